"""Live conformance against real WebKit (WebKitGTK's MiniBrowser under Xvfb), now: WebKit still
matches webkit_verdicts.json, and `cors-doctor check --browser safari` agrees with what WebKit
just did (see live.py). WebKitGTK is Safari's engine, not Apple Safari: see webkit.py."""

from __future__ import annotations

import pytest

from .live import live_tests

pytestmark = pytest.mark.browser
ENGINE = "webkit"

test_webkit_version, test_webkit_matches_fixture, test_cli_agrees_with_live_webkit = live_tests(ENGINE)
