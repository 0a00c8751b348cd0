"""Run conformance cases in real headless Firefox (firefox-esr) over Marionette.

Firefox is started directly with `--marionette` (no geckodriver) on a throwaway profile whose
directory is also its HOME and XDG dirs, so nothing is read from or written to the user's own
profile, and Mozilla's `marionette-driver` package talks to it. Prefs keep it off the network
(no updates, telemetry, remote settings, DoH, captive-portal or connectivity probes, no
HTTPS-First upgrade of the loopback URLs).

Cookies: `network.cookie.cookieBehavior = 0` (accept all). Firefox's default (5, dynamic
first-party isolation) partitions cookies of 127.0.0.1 away from a page on localhost, so a
credentialed cross-site fetch would never carry them; the CLI's `--credentials` models a
browser that sends the cookie, so the fixture is recorded with cookies allowed and says so.

For each case the page at {page} runs FETCH_JS; CORS errors come from the Browser Console
(`Services.console` in Marionette's chrome context, which needs --remote-allow-system-access),
reset before each case and filtered to the lines that name the case's URLs. Firefox prints its
CORS reasons as nsIScriptError messages, not through the page's console API, so
`devtools.console.stdout.content` would not show them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any, Self

from .engine import FETCH_JS, FETCH_TIMEOUT_MS, Observation, observe, page_args
from .model import Case
from .server import CaseServer

FIREFOX = os.environ.get("CORS_DOCTOR_FIREFOX", "/usr/bin/firefox-esr")
STARTUP_TIMEOUT_S = 60
SCRIPT_TIMEOUT_MS = FETCH_TIMEOUT_MS + 10_000
CONSOLE_GRACE_S = 1.0
BLOCKED_MARKER = "Cross-Origin Request Blocked"
# Firefox adds this second, generic line to most specific CORS errors; it explains a block only
# when nothing more specific was printed (e.g. a redirect Firefox refuses to follow).
GENERIC_REASON = "(Reason: CORS request did not succeed)"

COOKIE_BEHAVIOR = 0  # accept all cookies; see the module docstring
PREFS: dict[str, object] = {
    "network.cookie.cookieBehavior": COOKIE_BEHAVIOR,
    "network.cookie.cookieBehavior.pbmode": COOKIE_BEHAVIOR,
    "dom.security.https_first": False,
    "dom.security.https_first_pbm": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "network.trr.mode": 5,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "network.predictor.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "app.update.auto": False,
    "app.update.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "browser.region.update.enabled": False,
    "browser.region.network.url": "",
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": "",
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.server": "",
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.newtabpage.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.tabs.warnOnClose": False,
    "browser.ping-centre.telemetry": False,
    "network.proxy.type": 0,
    "devtools.console.stdout.content": False,
}


def missing() -> str | None:
    """Why Firefox cannot run here, or None when it can."""
    if not (os.path.isfile(FIREFOX) and os.access(FIREFOX, os.X_OK)):
        return f"Firefox not found at {FIREFOX} (apt-get install firefox-esr)"
    try:
        import marionette_driver  # noqa: F401
    except ImportError:
        return "the marionette-driver Python package is not installed (pip install marionette-driver)"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _user_js(prefs: dict[str, object]) -> str:
    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "".join(f'user_pref("{name}", {value(v)});\n' for name, v in prefs.items())


def console_message(console: list[str]) -> str | None:
    """The console line that explains a block: the first specific CORS reason, else the generic
    "CORS request did not succeed" line, else None."""
    blocked = [line for line in console if BLOCKED_MARKER in line]
    specific = [line for line in blocked if GENERIC_REASON not in line]
    chosen = specific or blocked
    return chosen[0] if chosen else None


# Run in Marionette's chrome context.
_CONSOLE_RESET = "Services.console.reset();"
_CONSOLE_READ = """
return Services.console.getMessageArray().map(m => {
  let text = m.message;
  try { m.QueryInterface(Ci.nsIScriptError); text = m.errorMessage; } catch (e) {}
  return text;
});
"""
_COOKIES_CLEAR = "Services.cookies.removeAll();"
_VERSION = "return Services.appinfo.version;"
# Content context, in the page's own global (sandbox=None), so fetch() runs as page script.
_FETCH_ASYNC = "const [args, done] = arguments; (" + FETCH_JS.strip() + ")(args).then(done);"


class FirefoxRunner:
    """One headless Firefox for many cases, driven over Marionette (synchronous)."""

    name = "firefox"

    def __init__(self, executable: str = FIREFOX):
        self.executable = executable
        self.version: str | None = None
        self.user_agent: str | None = None
        self._home: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._client: Any = None  # marionette_driver.marionette.Marionette once started

    @property
    def settings(self) -> dict:
        return {
            "executable": self.executable,
            "args": [
                "--marionette",
                "--headless",
                "--no-remote",
                "--remote-allow-system-access",
                "--profile",
                "<fresh profile>",
            ],
            "cookies": f"network.cookie.cookieBehavior={COOKIE_BEHAVIOR} (accept all; Firefox's "
            "default 5 partitions 127.0.0.1 cookies away from a localhost page)",
            "prefs": {k: v for k, v in PREFS.items() if k.startswith(("network.cookie", "dom.security"))},
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        from marionette_driver.marionette import Marionette

        self._home = tempfile.TemporaryDirectory(prefix="cors-doctor-firefox-")
        home = Path(self._home.name)
        profile = home / "profile"
        profile.mkdir()
        port = _free_port()
        (profile / "user.js").write_text(_user_js({**PREFS, "marionette.port": port}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MOZ_", "XDG_"))}
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_RUNTIME_DIR=str(home),
            MOZ_CRASHREPORTER_DISABLE="1",
            MOZ_HEADLESS="1",
        )
        env.pop("DISPLAY", None)
        self._proc = subprocess.Popen(
            [
                self.executable,
                "--marionette",
                "--headless",
                "--no-remote",
                "--remote-allow-system-access",
                "--profile",
                str(profile),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._client = Marionette(host="127.0.0.1", port=port, socket_timeout=60)
            self._client.start_session(timeout=STARTUP_TIMEOUT_S)
            self._client.timeout.script = SCRIPT_TIMEOUT_MS / 1000
            self._client.timeout.page_load = 15
            self.version = self._chrome(_VERSION)
        except Exception:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._client is not None:
            with suppress(Exception):  # the browser may already be gone; it is killed below anyway
                self._client.delete_session()
            self._client = None
        if self._proc is not None:
            self._stop_process(self._proc)
            self._proc = None
        if self._home is not None:
            self._home.cleanup()
            self._home = None

    @staticmethod
    def _stop_process(proc: subprocess.Popen) -> None:
        """Terminate Firefox and its content processes (its own session group, by its pid)."""
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if proc.poll() is not None:
                break
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        with suppress(ProcessLookupError):  # content processes may outlive the parent briefly
            os.killpg(proc.pid, signal.SIGKILL)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running cases -----------------------------------------------------------------------

    def _chrome(self, script: str):
        with self._client.using_context(self._client.CONTEXT_CHROME):
            return self._client.execute_script(script, sandbox="system")

    def run(self, cases: Iterable[Case], server: CaseServer) -> dict[str, Observation]:
        """Run cases one after another on one page; each bounded by the script timeout."""
        self._client.navigate(server.origins.page + "/")
        if self.user_agent is None:
            self.user_agent = self._client.execute_script("return navigator.userAgent;")
        return {case.id: self._run_case(case, server) for case in cases}

    def _run_case(self, case: Case, server: CaseServer) -> Observation:
        self._chrome(_COOKIES_CLEAR + _CONSOLE_RESET)
        server.take_log(case.id)  # forget anything an earlier client left under this case
        args = page_args(case, server)
        result = self._client.execute_async_script(_FETCH_ASYNC, script_args=[args], sandbox=None, new_sandbox=False)
        marker = f"/c/{case.id}/"
        console = self._case_console(marker)
        if not result.get("ok"):
            # The console line can trail the rejected promise slightly; wait a bounded while.
            deadline = time.monotonic() + CONSOLE_GRACE_S
            while console_message(console) is None and time.monotonic() < deadline:
                time.sleep(0.05)
                console = self._case_console(marker)
        return observe(result, console, server.take_log(case.id), console_message)

    def _case_console(self, marker: str) -> list[str]:
        return [line for line in self._chrome(_CONSOLE_READ) if marker in line]
