"""Shared fixtures for the browser conformance suite (tests/conformance).

How to run the live suite, re-record the fixture and write DISAGREEMENTS.md: see README.md in
this directory. In short:

    pytest tests/conformance -m "not browser"    # CLI vs recorded Chromium, no browser needed
    pytest tests/conformance -m browser          # live: Chromium vs fixture, CLI vs Chromium
    python -m tests.conformance.record           # re-record after a Chromium update
    python -m tests.conformance.record --check   # what changed in Chromium, write nothing

The live tests need /usr/bin/chromium (or CORS_DOCTOR_CHROMIUM) and the playwright package
(driver only; never `playwright install`). Without them they are skipped, unless the CI
environment variable is set: then they fail, so CI never skips the browser suite silently.
"""

from __future__ import annotations

import os

import pytest

from .cases import BY_ID, CASES
from . import chromium as chromium_module
from .chromium import ChromiumRunner
from .engine import Observation
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
    return chromium_module.missing()


def selected_case_ids(session: pytest.Session, module_name: str) -> list[str]:
    """Case ids of the collected tests in one module (so -k runs only what it needs)."""
    wanted = f"{__name__.rpartition('.')[0]}.{module_name}"
    ids = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        module = getattr(item, "module", None)
        if callspec is None or module is None or module.__name__ != wanted:
            continue
        case_id = callspec.params.get("case_id")
        if case_id in BY_ID and case_id not in ids:
            ids.append(case_id)
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
    ids = (selected_case_ids(request.session, "test_fixture")
           + selected_case_ids(request.session, "test_live_chromium"))
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
