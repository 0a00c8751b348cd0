"""Run conformance cases in real WebKit (WebKitGTK's MiniBrowser) and record what happened.

WebKitGTK is Safari's engine: the same WebCore CORS checks and console texts, but not Apple
Safari, whose networking (CFNetwork instead of libsoup) and cookie storage differ.

Two passes over the cases, both under a private Xvfb display:

1. Driven: WebKitWebDriver launches MiniBrowser in automation mode and Selenium's
   `webdriver.WebKitGTK` runs FETCH_JS for each case on one page at {page}. This gives the
   verdict, status, body and readable header names; the server log gives the requests and the
   preflight. Every case runs under a watchdog: past CASE_TIMEOUT_S the driver's process group
   (driver, MiniBrowser, WebKit's helper processes) is killed by its PID, a new session is
   started and the case is tried once more.
2. Console (webkit_console.py): automation sessions are ephemeral and WebKit prints no console
   messages for them, so the same cases run again in undriven MiniBrowsers that write their
   console to stdout. Its console lines become the observation's `console`; its own verdict and
   preflight are checked against the driven pass, and any difference is stored with the case
   (`console_pass`) instead of being hidden.

Cookies: `--cookies-policy=always`. The API (127.0.0.1) is third-party to the page (localhost),
and MiniBrowser's default `no-third-party` (like Safari's default blocking of third-party
cookies) would drop every cookie it sets; the CLI's `--credentials` models a browser that sends
the cookie, so the recording allows them and says so. CORS checks themselves do not look at
cookies. WebKitGTK (libsoup) also drops a `Secure` cookie set over http even on 127.0.0.1, unlike
Chromium. Cookies of 127.0.0.1 are cleared before each credentialed case in the driven pass; the
console pass cannot clear them (its Cookie request headers are not compared).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Self

from .engine import FETCH_JS, FETCH_TIMEOUT_MS, Observation, observe, page_args
from .model import Case
from .server import CaseServer, LoggedRequest
from .webkit_console import ConsolePass, ConsoleRun, browser_env
from .xvfb import XVFB, Xvfb, stop_group


def _find_minibrowser() -> str:
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    return found[-1] if found else "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


MINIBROWSER = os.environ.get("CORS_DOCTOR_MINIBROWSER") or _find_minibrowser()
WEBKIT_DRIVER = os.environ.get("CORS_DOCTOR_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
COOKIES_POLICY = "always"  # see the module docstring
STARTUP_TIMEOUT_S = 60.0
CASE_TIMEOUT_S = 20.0
SCRIPT_TIMEOUT_S = FETCH_TIMEOUT_MS / 1000 + 5
CONSOLE_WORKERS = 2
# WebKitWebDriver adds --automation itself only when no arguments are given.
DRIVEN_ARGS = ["--automation", f"--cookies-policy={COOKIES_POLICY}"]
CONSOLE_ARGS = [f"--cookies-policy={COOKIES_POLICY}", "--enable-write-console-messages-to-stdout=true"]
FETCH_ASYNC = "const done = arguments[arguments.length - 1];\n(" + FETCH_JS.strip() + ")(arguments[0]).then(done);"
LOAD_FAILED = re.compile(r"^(?:Fetch API|XMLHttpRequest) cannot load ")


def missing() -> str | None:
    """Why WebKit cannot run here, or None when it can."""
    for path, package in ((MINIBROWSER, "libwebkit2gtk-4.1-0"), (WEBKIT_DRIVER, "webkit2gtk-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} not found (apt-get install {package})"
    if shutil.which(XVFB) is None:
        return "Xvfb not found (apt-get install xvfb)"
    try:
        import selenium.webdriver  # noqa: F401
    except ImportError:
        return "the selenium Python package is not installed (pip install selenium)"
    return None


def console_message(console: list[str]) -> str | None:
    """WebKit's message for a block: the reason line and the "Fetch API cannot load ..." line.

    WebKit prints the reason (a security error such as "Origin ... is not allowed by
    Access-Control-Allow-Origin. Status code: 200") and then "Fetch API cannot load URL due to
    access control checks." ("XMLHttpRequest cannot load ..." for XHR) as two console errors; together they are one message, joined by a
    newline. A failure without a CORS reason (a network error) has only the second line.
    """
    for index, line in enumerate(console):
        if LOAD_FAILED.match(line):
            return "\n".join(console[max(0, index - 1) : index + 1])
    return console[-1] if console else None


@dataclass(frozen=True)
class WebKitObservation(Observation):
    """An Observation plus how the console pass compared (None: same verdict and preflight)."""

    console_pass: str | None = None


class WebKitRunner:
    """MiniBrowser under Xvfb, driven by WebKitWebDriver, plus the undriven console pass."""

    name = "webkit"

    def __init__(
        self, minibrowser: str = MINIBROWSER, driver: str = WEBKIT_DRIVER, console_workers: int = CONSOLE_WORKERS
    ):
        self.minibrowser = minibrowser
        self.driver = driver
        self.console_workers = console_workers
        self.version: str | None = None
        self.user_agent: str | None = None
        self.timings: dict[str, float] = {}
        self._xvfb = Xvfb()
        self._home: tempfile.TemporaryDirectory | None = None
        self._session = None  # selenium WebDriver
        self._service = None  # selenium Service: the WebKitWebDriver process
        self._on_page = False  # the session's tab shows {page}/

    @property
    def settings(self) -> dict:
        return {
            "minibrowser": self.minibrowser,
            "driver": self.driver,
            "display": f"Xvfb {self._xvfb.geometry}",
            "args": DRIVEN_ARGS,
            "console_pass_args": CONSOLE_ARGS,
            "cookies": f"--cookies-policy={COOKIES_POLICY} (MiniBrowser's default no-third-party "
            "would drop every cookie of the 127.0.0.1 API on a localhost page); "
            "libsoup drops a Secure cookie set over http, even on 127.0.0.1",
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        try:
            self._xvfb.start()
            self._home = tempfile.TemporaryDirectory(prefix="cors-doctor-webkit-driver-")
            self._start_session()
        except BaseException:
            self.close()
            raise
        return self

    def _start_session(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        options = Options()
        options.binary_location = self.minibrowser
        for arg in DRIVEN_ARGS:
            options.add_argument(arg)
        self._service = Service(
            executable_path=self.driver,
            log_output=subprocess.DEVNULL,
            env=browser_env(self._home.name, self._xvfb.display),
            popen_kw={"start_new_session": True},
        )
        with self._watchdog(STARTUP_TIMEOUT_S) as fired:
            self._session = webdriver.WebKitGTK(options=options, service=self._service)
        if fired.is_set():
            raise RuntimeError(f"WebKit did not start within {STARTUP_TIMEOUT_S:.0f} s")
        self._session.set_script_timeout(SCRIPT_TIMEOUT_S)
        self._session.set_page_load_timeout(15)
        self.version = self._session.capabilities.get("browserVersion")
        self._on_page = False

    def _stop_session(self) -> None:
        if self._session is not None:
            # The driver may already be gone; its process group is killed below in any case.
            with self._watchdog(10), suppress(*session_errors()):
                self._session.quit()
            self._session = None
        self._kill_browser()
        self._service = None

    def _kill_browser(self) -> None:
        """Stop WebKitWebDriver, MiniBrowser and its helpers: the driver's own process group."""
        process = getattr(self._service, "process", None)
        if process is not None:
            stop_group(process)

    @contextmanager
    def _watchdog(self, seconds: float) -> Iterator[threading.Event]:
        """Kill the browser if the block takes longer than `seconds`; the event says it did."""
        fired = threading.Event()

        def fire() -> None:
            fired.set()
            self._kill_browser()

        timer = threading.Timer(seconds, fire)
        timer.daemon = True
        timer.start()
        try:
            yield fired
        finally:
            timer.cancel()

    def close(self) -> None:
        self._stop_session()
        self._xvfb.stop()
        if self._home is not None:
            self._home.cleanup()
            self._home = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running cases -----------------------------------------------------------------------

    def run(self, cases: Iterable[Case], server: CaseServer) -> dict[str, Observation]:
        """Both passes over the cases; one observation per case id, in order."""
        cases = list(cases)
        started = time.monotonic()
        driven = {case.id: self._run_bounded(case, server) for case in cases}
        self.timings["driven"] = time.monotonic() - started
        started = time.monotonic()
        console = ConsolePass(self.minibrowser, CONSOLE_ARGS, self._xvfb.display, self.console_workers).run(
            cases, server
        )
        self.timings["console"] = time.monotonic() - started
        print(
            f"WebKit {self.version}: {len(cases)} cases, driven pass "
            f"{self.timings['driven']:.1f} s, console pass {self.timings['console']:.1f} s",
            file=sys.stderr,
        )
        return {case.id: merge(*driven[case.id], console[case.id]) for case in cases}

    def _run_bounded(self, case: Case, server: CaseServer) -> tuple[dict, list[LoggedRequest]]:
        """One case under the watchdog; after a kill or a broken session, restart and retry once."""
        for attempt in (1, 2):
            try:
                with self._watchdog(CASE_TIMEOUT_S) as fired:
                    outcome = self._run_case(case, server)
                if not fired.is_set():
                    return outcome
                problem = f"no answer within {CASE_TIMEOUT_S:.0f} s"
            except session_errors() as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if attempt == 2:
                raise RuntimeError(f"WebKit failed case {case.id} twice; last: {problem}")
            self._stop_session()
            self._start_session()
        raise AssertionError("unreachable")

    def _run_case(self, case: Case, server: CaseServer) -> tuple[dict, list[LoggedRequest]]:
        if case.credentials:
            self._clear_cookies(server)
        if not self._on_page:
            self._session.get(server.origins.page + "/")
            self._on_page = True
        if self.user_agent is None:
            self.user_agent = self._session.execute_script("return navigator.userAgent")
        server.take_log(case.id)  # forget anything an earlier client left under this case
        args = page_args(case, server)
        result = self._session.execute_async_script(FETCH_ASYNC, args)
        return result, server.take_log(case.id)

    def _clear_cookies(self, server: CaseServer) -> None:
        """Delete the cookies of 127.0.0.1 (the API and third origins; cookies ignore ports)."""
        self._on_page = False
        self._session.get(server.origins.api + "/")
        self._session.delete_all_cookies()


def session_errors() -> tuple[type[Exception], ...]:
    """What a call on a dead or killed WebDriver session raises."""
    from selenium.common.exceptions import WebDriverException
    from urllib3.exceptions import HTTPError

    return (WebDriverException, HTTPError, OSError)


def merge(result: dict, log: list[LoggedRequest], console: ConsoleRun) -> WebKitObservation:
    """The driven pass's observation with the console pass's lines, and how the passes compare."""
    base = observe(result, console.console, log, console_message)
    return WebKitObservation(**base.__dict__, console_pass=compare_passes(base, console))


def compare_passes(driven: Observation, console: ConsoleRun) -> str | None:
    """None when the console pass saw the driven pass's verdict and preflight, else what differed."""
    if console.problem is not None:
        return console.problem
    undriven = observe(console.result or {}, console.console, console.log, console_message)
    differences = [
        f"{name}: driven {getattr(driven, name)!r}, console pass {getattr(undriven, name)!r}"
        for name in ("allowed", "preflight_sent", "acrm", "acrh")
        if getattr(driven, name) != getattr(undriven, name)
    ]
    return "; ".join(differences) or None
