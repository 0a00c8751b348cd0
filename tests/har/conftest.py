"""Fixtures for the HAR tests: the recorded HAR files, and the loopback site they were recorded from.

The HAR files in fixtures/ were recorded from real headless Chromium by record.py against
site.py on random ports (origins.json). Live tests start a fresh copy of the site and move a
recording to its ports, so `har --live` checks the very server configuration the browser saw.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .site import Site

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDINGS = ("playwright.har", "chromium-cdp.har")


def recorded_origins() -> dict:
    return json.loads((FIXTURES / "origins.json").read_text(encoding="utf-8"))


def har_entries(name: str) -> list[dict]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["log"]["entries"]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as running:
        yield running


@pytest.fixture
def moved(tmp_path: Path) -> Callable[[str, Site], Path]:
    """`moved(recording, site)`: a copy of a recorded HAR pointing at `site`'s ports."""

    def move(name: str, target: Site) -> Path:
        origins = recorded_origins()
        text = (FIXTURES / name).read_text(encoding="utf-8")
        text = text.replace(origins["api"], target.api).replace(origins["page"], target.page)
        path = tmp_path / f"moved-{name}"
        path.write_text(text, encoding="utf-8")
        return path

    return move


def chromium_missing() -> str | None:
    chromium = os.environ.get("CORS_DOCTOR_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)) and not shutil.which(chromium):
        return f"Chromium not found at {chromium} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture
def need_chromium() -> None:
    """Skip without Chromium, except in CI (CI set): there the browser tests must run."""
    reason = chromium_missing()
    if reason is not None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason)
        pytest.skip(reason)
