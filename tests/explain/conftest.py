"""Fixtures for the explain tests: the console messages real Chromium printed.

tests/conformance/chromium_verdicts.json records, for every conformance case, the console lines
headless Chromium printed, with placeholders for the random loopback ports. They are read here
(never written) and filled in with fixed example ports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

VERDICTS = Path(__file__).resolve().parents[1] / "conformance" / "chromium_verdicts.json"
PORTS = {
    "{page}": "http://localhost:5173",
    "{api}": "http://127.0.0.1:8000",
    "{third}": "http://127.0.0.1:9000",
    "{page_port}": "5173",
    "{api_port}": "8000",
    "{third_port}": "9000",
}
CORS_MARKER = "has been blocked by CORS policy"


def fill(text: str) -> str:
    for key, value in PORTS.items():
        text = text.replace(key, value)
    return text


def chromium_console() -> dict[str, list[str]]:
    """case id -> the console lines Chromium printed for it (ports filled in), for failing cases."""
    if not VERDICTS.exists():
        return {}
    cases = json.loads(VERDICTS.read_text(encoding="utf-8"))["cases"]
    return {
        cid: [fill(line) for line in case["console"]]
        for cid, case in cases.items()
        if any(CORS_MARKER in line for line in case["console"])
    }


@pytest.fixture(scope="session")
def chromium_lines() -> dict[str, list[str]]:
    lines = chromium_console()
    if not lines:
        pytest.fail(f"{VERDICTS} has no recorded console messages")
    return lines
