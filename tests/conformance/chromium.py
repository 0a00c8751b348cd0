"""Run conformance cases in real headless Chromium and record what it did.

One Chromium process (Playwright's async API on a private event-loop thread, so callers stay
synchronous) serves a whole session. Each worker opens a fresh browser context and one page and
runs cases on it one after another; cases stay independent because each owns its URL paths
(Chromium's preflight cache is keyed by URL) and cookies are cleared between cases. Opening a
context per case would cost a renderer start (~0.3 s) per case for no extra isolation.
For each case the page at {page} runs
fetch() against {api}/c/<id>/r, and we record: allowed or blocked, the response header names
script can read, the CORS console error, and — from the server log — which requests reached the
server, including the preflight's Access-Control-Request-Method / -Headers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterable

from .engine import (
    FETCH_JS,
    Observation,
    observe,
    page_args,
    summarize_requests,  # noqa: F401  (re-exported for older imports)
)
from .model import Case
from .server import CaseServer

CHROMIUM = os.environ.get("CORS_DOCTOR_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CASE_TIMEOUT_S = 20.0
CONSOLE_GRACE_S = 1.0
CORS_MARKER = "has been blocked by CORS policy"
NET_ERROR_PREFIX = "Failed to load resource: net::"
GENERIC_NET_ERROR = "Failed to load resource: net::ERR_FAILED"


def missing() -> str | None:
    """Why Chromium cannot run here, or None when it can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


def console_message(console: list[str]) -> str | None:
    """The console line that explains a block.

    The "... has been blocked by CORS policy: ..." line when there is one. Otherwise (a plain
    network error such as too many redirects) the "Failed to load resource: net::ERR_..." line,
    except the generic net::ERR_FAILED that accompanies every CORS error.
    """
    for line in console:
        if CORS_MARKER in line:
            return line
    for line in console:
        if line.startswith(NET_ERROR_PREFIX) and line != GENERIC_NET_ERROR:
            return line
    return None


class ChromiumRunner:
    """One headless Chromium for many cases; thread-safe synchronous facade over Playwright."""

    name = "chromium"

    def __init__(self, executable: str = CHROMIUM, concurrency: int = 1):
        self.executable = executable
        self.concurrency = concurrency
        self.version: str | None = None
        self.user_agent: str | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="chromium", daemon=True)
        self._playwright = None
        self._browser = None

    @property
    def settings(self) -> dict:
        return {
            "executable": self.executable,
            "args": LAUNCH_ARGS,
            "headless": True,
            "cookies": "Playwright's default context (third-party cookies allowed)",
        }

    def _call(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self) -> ChromiumRunner:
        self._thread.start()
        self._call(self._start(), 60)
        return self

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=LAUNCH_ARGS, timeout=30_000
        )
        self.version = self._browser.version

    def close(self) -> None:
        async def stop() -> None:
            if self._browser is not None:
                await self._browser.close()
            if self._playwright is not None:
                await self._playwright.stop()

        if self._thread.is_alive():
            try:
                self._call(stop(), 30)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)

    def __enter__(self) -> ChromiumRunner:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, cases: Iterable[Case], server: CaseServer) -> dict[str, Observation]:
        """Run cases on `concurrency` pages (bounded); returns observations keyed by case id."""
        cases = list(cases)
        budget = 60 + CASE_TIMEOUT_S * len(cases) / max(1, self.concurrency)
        return self._call(self._run_all(cases, server), budget)

    async def _run_all(self, cases: list[Case], server: CaseServer) -> dict[str, Observation]:
        queue: asyncio.Queue[Case] = asyncio.Queue()
        for case in cases:
            queue.put_nowait(case)
        results: dict[str, Observation] = {}
        workers = min(self.concurrency, len(cases)) or 1
        await asyncio.gather(*(self._worker(queue, server, results) for _ in range(workers)))
        return {case.id: results[case.id] for case in cases}

    async def _worker(self, queue, server: CaseServer, results: dict) -> None:
        """One fresh browser context and page, reused for a series of cases.

        Cases cannot leak into each other: each owns its URL paths (so Chromium's preflight cache,
        keyed by URL, never matches across cases) and cookies are cleared before every case.
        """
        context = await self._browser.new_context()
        try:
            page = await context.new_page()
            console: list[tuple[str, str]] = []
            page.on(
                "console", lambda m: console.append((m.text, m.location.get("url", ""))) if m.type == "error" else None
            )
            await page.goto(server.origins.page + "/", timeout=10_000)
            if self.user_agent is None:
                self.user_agent = await page.evaluate("navigator.userAgent")
            while not queue.empty():
                case = queue.get_nowait()
                await context.clear_cookies()
                results[case.id] = await asyncio.wait_for(self._run_case(page, case, server, console), CASE_TIMEOUT_S)
        finally:
            await context.close()

    async def _run_case(self, page, case: Case, server: CaseServer, console) -> Observation:
        server.take_log(case.id)  # forget anything an earlier client left under this case
        marker = f"/c/{case.id}/"

        def mine() -> list[str]:
            return [text for text, url in console if marker in text or marker in url]

        result = await page.evaluate(FETCH_JS, page_args(case, server))
        if not result.get("ok"):
            # The console line can trail the rejected promise slightly; wait a bounded while.
            for _ in range(int(CONSOLE_GRACE_S / 0.05)):
                if console_message(mine()) is not None:
                    break
                await asyncio.sleep(0.05)
        return observe(result, mine(), server.take_log(case.id), console_message)
