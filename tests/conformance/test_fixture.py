"""The cors-doctor CLI against recorded Chromium verdicts (no browser needed).

For every case: start the case server, run `cors-doctor check ... --actual --json` the way the
page called fetch(), and require the same verdict, preflight, Access-Control-Request-* values,
exposed response headers, console message and exit code that Chromium produced.
"""

from __future__ import annotations

import pytest

from .cases import BY_ID, CASES
from .compare import diff, format_diff, from_chromium


def test_fixture_covers_every_case(recorded):
    ids = {c.id for c in CASES}
    stored = set(recorded["cases"])
    assert not ids - stored, (
        f"cases without a recorded verdict: {sorted(ids - stored)}; "
        "run python -m tests.conformance.record --case ID"
    )
    assert not stored - ids, f"recorded verdicts for unknown cases: {sorted(stored - ids)}"


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_cli_agrees_with_recorded_chromium(case_id, recorded, cli_runs, case_server):
    record = recorded["cases"].get(case_id)
    if record is None:
        pytest.fail(f"{case_id} has no recorded verdict; run python -m tests.conformance.record")
    expected = from_chromium(case_server.origins.fill_deep(record))
    run = cli_runs[case_id]
    diffs = diff(expected, run.fields())
    assert not diffs, (
        f"{BY_ID[case_id].title} [{BY_ID[case_id].request_summary()}]\n"
        + format_diff(case_id, diffs, f"chromium {recorded['version']}", "cors-doctor")
        + "\n" + run.explain()
    )
