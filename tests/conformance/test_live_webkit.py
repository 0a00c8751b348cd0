"""Live conformance against real WebKit (WebKitGTK's MiniBrowser under Xvfb), now: WebKit still
matches webkit_verdicts.json, and `cors-doctor check --browser safari` agrees with what WebKit
just did (see live.py). WebKitGTK is Safari's engine, not Apple Safari: see webkit.py."""

from __future__ import annotations

import pytest

from .cases import CASES
from .live import live_tests

pytestmark = pytest.mark.browser
ENGINE = "webkit"

test_webkit_version, test_webkit_matches_fixture, test_cli_agrees_with_live_webkit = live_tests(ENGINE)


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_console_pass_saw_what_the_driven_pass_saw(case_id, live):
    """The undriven console pass ran the case again: same verdict and preflight, or it says what
    differed (then its console lines may describe another outcome)."""
    assert live[case_id].console_pass is None, live[case_id].console_pass
