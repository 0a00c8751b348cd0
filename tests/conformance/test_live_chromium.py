"""Live conformance: real headless Chromium, now.

1. Chromium still does what the fixture says (a failure here means Chromium's behaviour changed:
   read the diff, update docs/browser-differences.md, then re-record).
2. The cors-doctor CLI agrees with what Chromium just did.
"""

from __future__ import annotations

import warnings

import pytest

from .cases import BY_ID, CASES
from .compare import ENGINE_FIELDS, engine_summary, diff, format_diff, from_chromium
from . import verdicts

pytestmark = pytest.mark.browser
CASE_IDS = [c.id for c in CASES]


def test_chromium_version(chromium, recorded):
    if chromium.version != recorded["version"]:
        warnings.warn(
            f"fixture recorded with Chromium {recorded['version']}, "
            f"running {chromium.version}",
            stacklevel=1,
        )
    assert chromium.version


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_chromium_matches_fixture(case_id, live, recorded, case_server):
    stored = recorded["cases"].get(case_id)
    if stored is None:
        pytest.fail(f"{case_id} has no recorded verdict; run python -m tests.conformance.record")
    now = verdicts.masked(live[case_id], case_server.origins)
    diffs = diff(engine_summary(stored), engine_summary(now), ENGINE_FIELDS)
    assert not diffs, (
        "Chromium's behaviour changed since the fixture was recorded "
        f"({recorded['version']}):\n"
        + format_diff(case_id, diffs, "recorded", "live")
        + "\nIf this is the new truth: python -m tests.conformance.record --case " + case_id
    )


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_cli_agrees_with_live_chromium(case_id, live, cli_runs):
    expected = from_chromium(live[case_id].to_dict())
    run = cli_runs[case_id]
    diffs = diff(expected, run.fields())
    assert not diffs, (
        f"{BY_ID[case_id].title} [{BY_ID[case_id].request_summary()}]\n"
        + format_diff(case_id, diffs, "chromium (live)", "cors-doctor")
        + "\n" + run.explain()
    )
