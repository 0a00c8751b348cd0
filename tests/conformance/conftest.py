"""Shared fixtures for the browser conformance suite (tests/conformance).

How it works: every case in cases*.py is served by a loopback server (server.py) on three random
127.0.0.1 ports — the page origin http://localhost:PA, the API http://127.0.0.1:PB and a third
origin http://127.0.0.1:PC. Real headless Chromium ran each case once and its verdicts are stored
in chromium_verdicts.json; the cors-doctor CLI must agree with them.

Running:
    pytest tests/conformance -m "not browser"    # CLI vs recorded Chromium, no browser needed
    pytest tests/conformance -m browser          # live: Chromium vs fixture, CLI vs Chromium
    python -m tests.conformance.record           # re-record the fixture after a Chromium update
    python -m tests.conformance.record --check   # show what changed in Chromium, write nothing
    python -m tests.conformance.report           # write DISAGREEMENTS.md (CLI vs fixture)

The live suite needs /usr/bin/chromium (Debian package `chromium`; override the path with
CORS_DOCTOR_CHROMIUM) and the `playwright` Python package — only its driver, never
`playwright install`. Without Chromium the live tests are skipped, unless the CI environment
variable is set, in which case they fail: the browser suite must never be skipped silently in CI.
"""

from __future__ import annotations

import os
import shutil

import pytest

from .cases import BY_ID, CASES
from .chromium import CHROMIUM, ChromiumRunner, Observation
from .cli import CliRun, run_many
from .server import CaseServer
from . import verdicts


class Results(dict):
    """A dict of per-case results whose repr stays short in pytest failure output."""

    def __repr__(self) -> str:
        return f"<{len(self)} results>"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_missing() -> str | None:
    """Why the live browser suite cannot run here, or None when it can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


def selected_case_ids(session: pytest.Session, module_name: str) -> list[str]:
    """Case ids of the collected tests in one module (so -k runs only what it needs)."""
    ids = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec and "case_id" in callspec.params and item.module.__name__.endswith(module_name):
            if callspec.params["case_id"] not in ids:
                ids.append(callspec.params["case_id"])
    return ids


@pytest.fixture(scope="session")
def case_server():
    """The loopback server for every case, for the whole session."""
    with CaseServer(CASES) as server:
        yield server


@pytest.fixture(scope="session")
def recorded() -> dict:
    """chromium_verdicts.json: what Chromium did when the fixture was recorded."""
    if not verdicts.FIXTURE.exists():
        pytest.fail(f"{verdicts.FIXTURE.name} is missing: run python -m tests.conformance.record")
    return Results(verdicts.load())


@pytest.fixture(scope="session")
def cli_runs(request, case_server) -> dict[str, CliRun]:
    """CLI results for every case selected in this session, computed once in a thread pool."""
    ids = selected_case_ids(request.session, "test_fixture") + [
        cid for cid in selected_case_ids(request.session, "test_live_chromium")
    ]
    ids = list(dict.fromkeys(ids)) or [c.id for c in CASES]
    return Results(run_many([BY_ID[cid] for cid in ids], case_server))


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (fails instead of skipping when CI is set)."""
    reason = chromium_missing()
    if reason:
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so the browser suite must run", pytrace=False)
        pytest.skip(reason)
    with ChromiumRunner() as runner:
        yield runner


@pytest.fixture(scope="session")
def live(request, chromium, case_server) -> dict[str, Observation]:
    """Live Chromium observations for the selected cases (ports of this session's server)."""
    ids = selected_case_ids(request.session, "test_live_chromium") or [c.id for c in CASES]
    return Results(chromium.run([BY_ID[cid] for cid in ids], case_server))
