"""Fixtures of the cookie suite: loopback servers, and the engines when they are installed.

Without an engine its live tests are skipped, unless CI is set: then they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from .server import CookieServers


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_missing() -> str | None:
    from .chromium import CHROMIUM

    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


def firefox_missing() -> str | None:
    from tests.conformance.firefox import missing

    return missing()


def webkit_missing() -> str | None:
    from .webkit import missing

    return missing()


def need(reason: str | None) -> None:
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI is set and the browser is missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cookie_servers() -> Iterator[CookieServers]:
    with CookieServers() as servers:
        yield servers
