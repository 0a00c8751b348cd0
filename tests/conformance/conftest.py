"""Shared fixtures for the browser conformance suite (tests/conformance).

How to run the live suites, re-record the fixtures and write DISAGREEMENTS.md: see README.md in
this directory. In short:

    pytest tests/conformance -m "not browser"    # CLI vs every engine's recorded verdicts
    pytest tests/conformance -m browser          # live: each engine vs its fixture, CLI vs engine
    python -m tests.conformance.record --engine firefox   # re-record after a browser update

Each live module (test_live_<engine>.py) names its ENGINE; the fixtures here start that engine
once per module and the CLI once per --browser value per session. Without a browser the live
tests are skipped, unless the CI environment variable is set: then they fail, so CI never skips a
browser suite silently. At the end the suite prints, per engine, how many cases agree and how
long the engine and the CLI took.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytest

from . import verdicts
from .cases import BY_ID, CASES
from .cli import CliRun, run_many
from .engine import ENGINES, Engine, Observation
from .server import CaseServer


class Results(dict):
    """A dict of per-case results whose repr stays short in pytest failure output."""

    def __repr__(self) -> str:
        return f"<{len(self)} results>"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def engine_of(item: pytest.Item) -> str | None:
    """The engine a conformance test item is about: its `engine` parameter or module's ENGINE."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("engine") in ENGINES:
        return callspec.params["engine"]
    module = getattr(item, "module", None)
    return getattr(module, "ENGINE", None)


def selected_case_ids(session: pytest.Session, engines: set[str], live: bool | None = None) -> list[str]:
    """Case ids of collected tests about `engines` (so -k runs only what it needs)."""
    ids = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or engine_of(item) not in engines:
            continue
        if live is not None and (item.get_closest_marker("browser") is not None) != live:
            continue
        case_id = callspec.params.get("case_id")
        if case_id in BY_ID and case_id not in ids:
            ids.append(case_id)
    return ids


@dataclass
class Tally:
    """Per-engine agreement counts and timings, printed in the terminal summary."""

    agree: dict[str, int] = field(default_factory=dict)
    disagree: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def count(self, key: str, passed: bool) -> None:
        bucket = self.agree if passed else self.disagree
        bucket[key] = bucket.get(key, 0) + 1

    def add_time(self, key: str, seconds: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds


TALLY = pytest.StashKey[Tally]()


def tally(config: pytest.Config) -> Tally:
    if TALLY not in config.stash:
        config.stash[TALLY] = Tally()
    return config.stash[TALLY]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.name.startswith("test_cli_agrees_"):
        source = "live" if item.get_closest_marker("browser") else "recorded"
        item.user_properties.append(("agreement", f"{engine_of(item)} ({source})"))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Per engine: cases where the CLI agrees (test_cli_agrees_* outcomes), and the times."""
    t = tally(config)
    for outcome in ("passed", "failed", "xfailed", "xpassed"):  # a known disagreement is xfailed
        for report in terminalreporter.stats.get(outcome, []):
            key = dict(getattr(report, "user_properties", ())).get("agreement")
            if key and report.when == "call":
                t.count(key, outcome in ("passed", "xpassed"))
    if not (t.agree or t.disagree or t.seconds):
        return
    terminalreporter.section("conformance: cors-doctor vs browser engines")
    for key in sorted(set(t.agree) | set(t.disagree)):
        ok, bad = t.agree.get(key, 0), t.disagree.get(key, 0)
        terminalreporter.write_line(f"{key}: {ok} of {ok + bad} cases agree, {bad} disagree")
    for key, seconds in sorted(t.seconds.items()):
        terminalreporter.write_line(f"time {key}: {seconds:.1f} s")


@pytest.fixture(scope="session")
def case_server():
    """The loopback server for every case, for the whole session."""
    with CaseServer(CASES) as server:
        yield server


@pytest.fixture(scope="session")
def fixtures() -> dict[str, dict]:
    """Loaded <engine>_verdicts.json documents, by engine name, read on first use."""
    return _Lazy(lambda name: verdicts.load(ENGINES[name].fixture))


class _Lazy(Results):
    def __init__(self, load):
        super().__init__()
        self._load = load

    def __missing__(self, key):
        value = self[key] = self._load(key)
        return value


@pytest.fixture(scope="session")
def cli_runs(request, case_server) -> dict[str, dict[str, CliRun]]:
    """CLI results per engine name (its --browser value), for the cases selected in this session,
    computed once per browser in a thread pool."""
    config = request.config

    def run(engine_name: str) -> Results:
        engine = ENGINES[engine_name]
        same_browser = {e.name for e in ENGINES.values() if e.browser == engine.browser}
        ids = selected_case_ids(request.session, same_browser) or [c.id for c in CASES]
        started = time.monotonic()
        runs = Results(run_many([BY_ID[cid] for cid in ids], case_server, engine.browser))
        tally(config).add_time(f"cli --browser {engine.browser} ({len(ids)} cases)", time.monotonic() - started)
        return runs

    return _Lazy(run)


def start_engine(engine: Engine):
    """A started runner for `engine`; skip without the browser, fail instead when CI is set."""
    reason = engine.missing()
    if reason:
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so the {engine.label} suite must run", pytrace=False)
        pytest.skip(reason)
    return engine.runner().start()


@pytest.fixture(scope="module")
def engine(request) -> Engine:
    """The engine of a test_live_<engine>.py module (its ENGINE)."""
    return ENGINES[request.module.ENGINE]


@pytest.fixture(scope="module")
def runner(engine):
    """One running browser for the module."""
    browser = start_engine(engine)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def live(request, engine, runner, case_server) -> dict[str, Observation]:
    """Live observations of this module's engine for its selected cases."""
    ids = selected_case_ids(request.session, {engine.name}, live=True) or [c.id for c in CASES]
    started = time.monotonic()
    observations = Results(runner.run([BY_ID[cid] for cid in ids], case_server))
    tally(request.config).add_time(f"{engine.name} live ({len(ids)} cases)", time.monotonic() - started)
    return observations
