"""The live tests every engine module shares: the engine vs its fixture, the CLI vs the engine.

A module test_live_<engine>.py sets ENGINE and binds the three tests from `live_tests(ENGINE)`;
the fixtures they use (engine, runner, live, cli_runs, fixtures, case_server) are in conftest.py.

1. The engine still does what its fixture says (a failure means the browser's behaviour changed:
   read the diff, update docs/browser-differences.md, then re-record).
2. The cors-doctor CLI with that engine's --browser agrees with what the engine just did.
"""

from __future__ import annotations

import warnings

import pytest

from . import verdicts
from .cases import BY_ID, CASES
from .compare import ENGINE_FIELDS, KNOWN_DISAGREEMENTS, diff, engine_summary, format_diff, from_engine

CASE_IDS = [c.id for c in CASES]


def live_tests(engine_name: str):
    """(test_version, test_engine_matches_fixture, test_cli_agrees_with_live) for one engine."""

    def test_version(engine, runner, fixtures):
        recorded = fixtures[engine.name]["version"]
        if runner.version != recorded:
            warnings.warn(f"{engine.label} fixture recorded with {recorded}, running {runner.version}", stacklevel=1)
        assert runner.version

    @pytest.mark.parametrize("case_id", CASE_IDS)
    def test_engine_matches_fixture(case_id, engine, live, fixtures, case_server):
        doc = fixtures[engine.name]
        stored = doc["cases"].get(case_id)
        if stored is None:
            pytest.fail(
                f"{case_id} has no recorded verdict; run python -m tests.conformance.record --engine {engine.name}"
            )
        case = BY_ID[case_id]
        now = verdicts.masked(live[case_id], case_server.origins)
        diffs = diff(engine_summary(stored, case), engine_summary(now, case), ENGINE_FIELDS)
        assert not diffs, (
            f"{engine.label}'s behaviour changed since the fixture was recorded "
            f"({doc['version']}):\n"
            + format_diff(case_id, diffs, "recorded", "live")
            + f"\nIf this is the new truth: python -m tests.conformance.record "
            f"--engine {engine.name} --case {case_id}"
        )

    @pytest.mark.parametrize(
        "case_id",
        [
            pytest.param(cid, marks=[pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[engine_name, cid], strict=True)])
            if (engine_name, cid) in KNOWN_DISAGREEMENTS
            else cid
            for cid in CASE_IDS
        ],
    )
    def test_cli_agrees_with_live(case_id, engine, live, cli_runs):
        case = BY_ID[case_id]
        expected = from_engine(live[case_id].to_dict(), case)
        run = cli_runs[engine.name][case_id]
        diffs = diff(expected, run.fields(case))
        assert not diffs, (
            f"{case.title} [{case.request_summary()}]\n"
            + format_diff(case_id, diffs, f"{engine.name} (live)", "cors-doctor")
            + "\n"
            + run.explain()
        )

    return test_version, test_engine_matches_fixture, test_cli_agrees_with_live
