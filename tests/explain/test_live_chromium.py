"""End to end with real Chromium: what it prints in the console, `explain --run` reproduces exactly.

A page on one loopback origin calls an API on another (tests/har/site.py); every CORS error
headless Chromium prints is pasted into `cors-doctor explain --run`, whose check must print the
very same console line.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.har.conftest import need_chromium  # noqa: F401 - fixture
from tests.har.record import CHROMIUM, LAUNCH_ARGS, PAGE_TIMEOUT_MS
from tests.har.site import CALLS, Site

pytestmark = [pytest.mark.browser, pytest.mark.integration]


async def console_errors(site: Site) -> list[str]:
    from playwright.async_api import async_playwright

    lines: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000)
        try:
            page = await browser.new_page()
            page.on("console", lambda m: lines.append(m.text) if m.type == "error" else None)
            await page.goto(site.page + "/", timeout=PAGE_TIMEOUT_MS)
            await page.wait_for_function("window.done === true", timeout=PAGE_TIMEOUT_MS)
            await asyncio.sleep(0.5)
        finally:
            await browser.close()
    return lines


def test_every_console_error_is_explained_and_reproduced(cli, need_chromium):  # noqa: F811
    with Site() as site:
        lines = asyncio.run(asyncio.wait_for(console_errors(site), 120))
        cors_lines = [line for line in lines if "blocked by CORS policy" in line]
        assert len(cors_lines) == sum(c.blocked for c in CALLS)
        everything = cli("explain", "--json", "\n".join(lines))  # the whole console at once
        assert everything.code == 0
        assert len(json.loads(everything.stdout)["explained"]) == len(cors_lines)
        for line in cors_lines:
            result = cli("explain", "--run", "--actual", "--json", "--timeout", "5", line)
            assert result.code == 1, (line, result.stderr)
            explained = json.loads(result.stdout)["explained"][0]
            assert explained["check"]["result"]["browser_message"] == line, explained["command"]
