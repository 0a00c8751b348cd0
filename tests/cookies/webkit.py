"""Run the cookie cases in WebKitGTK (MiniBrowser driven by WebKitWebDriver under Xvfb, Selenium).

WebKitGTK is Safari's engine, not Apple Safari: its cookie storage is libsoup's, so this shows
what the engine's rules do on Linux, which `--browser safari` is held against. Two profiles:
* "default": MiniBrowser's own cookie policy (`no-third-party`);
* "third-party-allowed": `--cookies-policy=always`.
Only `sent` is observed (the jar of another host is not readable from the page over WebDriver).
Xvfb, the driver and MiniBrowser are stopped by their own process ids.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .cases import CASES, PLACEMENTS, CookieCase
from .server import CookieServers

MINIBROWSER = os.environ.get("CORS_DOCTOR_MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
DRIVER = shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver"
PROFILES = {"default": "no-third-party", "third-party-allowed": "always"}
THIRD_PARTY = {"no-third-party": "block", "always": "allow"}
SCRIPT_TIMEOUT_S = 15
XVFB_START_S = 10.0

_FETCH_BOTH = """
const [args, done] = arguments;
(async () => {
  const first = await fetch(args.setUrl, {credentials: 'include'});
  await first.text();
  const second = await fetch(args.echoUrl, {credentials: 'include'});
  return await second.text();
})().then(done, e => done('ERROR ' + e));
"""


def missing() -> str | None:
    for path, package in (
        (MINIBROWSER, "libwebkit2gtk-4.1-0"),
        (DRIVER, "webkit2gtk-driver"),
        (shutil.which("Xvfb") or "/usr/bin/Xvfb", "xvfb"),
    ):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install {package})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium Python package is not installed"
    return None


class Xvfb:
    """A private X display for MiniBrowser, on the first free display number."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.display = ""

    def __enter__(self) -> Xvfb:
        for number in range(90, 120):
            if Path(f"/tmp/.X{number}-lock").exists():
                continue
            proc = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            deadline = time.monotonic() + XVFB_START_S
            while time.monotonic() < deadline and proc.poll() is None:
                if Path(f"/tmp/.X11-unix/X{number}").exists():
                    self.proc, self.display = proc, f":{number}"
                    return self
                time.sleep(0.05)
            _stop(proc)
        raise RuntimeError("no free X display for Xvfb")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            _stop(self.proc)


def _stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue


def _sent(echo: str, name: str) -> bool:
    return any(pair.strip().partition("=")[0] == name for pair in echo.split(";") if pair.strip())


def _driver(policy: str, display: str, home: str):
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    options = webdriver.WebKitGTKOptions()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")  # WebKitWebDriver adds it only when no argument is given
    options.add_argument(f"--cookies-policy={policy}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        DISPLAY=display,
        HOME=home,
        XDG_CACHE_HOME=f"{home}/.cache",
        XDG_DATA_HOME=f"{home}/.local/share",
        XDG_CONFIG_HOME=f"{home}/.config",
        XDG_RUNTIME_DIR=home,
    )
    service = Service(executable_path=DRIVER, env=env)
    driver = webdriver.WebKitGTK(options=options, service=service)
    driver.set_script_timeout(SCRIPT_TIMEOUT_S)
    return driver


def _run_case(driver, case: CookieCase, servers: CookieServers) -> dict:
    echo = driver.execute_async_script(
        _FETCH_BOTH, {"setUrl": servers.api_url(case, "set"), "echoUrl": servers.api_url(case, "echo")}
    )
    assert not str(echo).startswith("ERROR"), (case.id, echo)
    return {"stored": None, "partitioned": None, "sent": _sent(echo, case.cookie_name)}


def _run_profile(policy: str, servers: CookieServers, display: str) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory(prefix="cookie-suite-webkit-") as home:
        driver = _driver(policy, display, home)
        try:
            version = driver.capabilities.get("browserVersion", "")
            results: dict[str, dict] = {}
            for placement in PLACEMENTS:
                for case in (c for c in CASES if c.placement == placement):
                    # A fresh page per case; cookies of earlier cases are deleted by their host's own page.
                    driver.get(servers.page_url(placement) + "/")
                    results[case.id] = _run_case(driver, case, servers)
                    _clear(driver, servers, case)
            return version, results
        finally:
            driver.quit()


def _clear(driver, servers: CookieServers, case: CookieCase) -> None:
    """Delete what the case left behind (WebDriver reaches only the current document's cookies)."""
    driver.delete_all_cookies()
    driver.get(servers.api_url(case, "echo"))
    driver.delete_all_cookies()


def run_webkit(servers: CookieServers) -> dict:
    out: dict = {"engine": "webkit", "profiles": {}}
    with Xvfb() as xvfb:
        for name, policy in PROFILES.items():
            version, results = _run_profile(policy, servers, xvfb.display)
            out["version"] = f"WebKitGTK {version} (MiniBrowser)"
            out["profiles"][name] = {
                "third_party": THIRD_PARTY[policy],
                "args": [f"--cookies-policy={policy}"],
                "results": results,
            }
    return out
