"""Live conformance against real headless Chromium, now: Chromium still matches chromium_verdicts.json, and
`cors-doctor check --browser chrome` agrees with what Chromium just did (see live.py)."""

from __future__ import annotations

import pytest

from .live import live_tests

pytestmark = pytest.mark.browser
ENGINE = "chromium"

test_chromium_version, test_chromium_matches_fixture, test_cli_agrees_with_live_chromium = live_tests(ENGINE)
