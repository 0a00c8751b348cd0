"""Live conformance against real headless Firefox, now: Firefox still matches firefox_verdicts.json, and
`cors-doctor check --browser firefox` agrees with what Firefox just did (see live.py)."""

from __future__ import annotations

import pytest

from .live import live_tests

pytestmark = pytest.mark.browser
ENGINE = "firefox"

test_firefox_version, test_firefox_matches_fixture, test_cli_agrees_with_live_firefox = live_tests(ENGINE)
