"""The cors-doctor CLI against every engine's recorded verdicts (no browser needed).

For every engine and case: start the case server, run `cors-doctor check ... --browser B
--actual --json` the way the page called fetch(), and require the same verdict, the same requests
on the wire (from the server's log), the same exposed response headers, console message and exit
code that the engine produced when its fixture was recorded.
"""

from __future__ import annotations

import pytest

from .cases import BY_ID, CASES
from .compare import KNOWN_DISAGREEMENTS, diff, format_diff, from_engine
from .engine import available

ENGINE_NAMES = [e.name for e in available()]
CASE_IDS = [c.id for c in CASES]


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_fixture_covers_every_case(engine, fixtures):
    ids = set(CASE_IDS)
    stored = set(fixtures[engine]["cases"])
    assert not ids - stored, (
        f"cases without a recorded {engine} verdict: {sorted(ids - stored)}; "
        f"run python -m tests.conformance.record --engine {engine} --case ID"
    )
    assert not stored - ids, f"recorded verdicts for unknown cases: {sorted(stored - ids)}"


def engine_case_params(engines: list[str]) -> list:
    """(engine, case id) pairs; the known disagreements are strict xfails with their reason."""
    return [
        pytest.param(
            engine,
            cid,
            id=f"{engine}-{cid}",
            marks=(
                [pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[engine, cid], strict=True)]
                if (engine, cid) in KNOWN_DISAGREEMENTS
                else []
            ),
        )
        for engine in engines
        for cid in CASE_IDS
    ]


@pytest.mark.parametrize(("engine", "case_id"), engine_case_params(ENGINE_NAMES))
def test_cli_agrees_with_recorded(engine, case_id, fixtures, cli_runs, case_server):
    doc = fixtures[engine]
    record = doc["cases"].get(case_id)
    if record is None:
        pytest.fail(
            f"{case_id} has no recorded {engine} verdict; run python -m tests.conformance.record --engine {engine}"
        )
    case = BY_ID[case_id]
    expected = from_engine(case_server.origins.fill_deep(record), case)
    run = cli_runs[engine][case_id]
    diffs = diff(expected, run.fields(case))
    assert not diffs, (
        f"{case.title} [{case.request_summary()}]\n"
        + format_diff(case_id, diffs, f"{engine} {doc['version']}", "cors-doctor")
        + "\n"
        + run.explain()
    )
