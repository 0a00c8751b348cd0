"""Run the cookie cases in headless Chromium (Playwright driving /usr/bin/chromium, never a download).

Two profiles, both persistent (a regular profile, not an incognito context):
* "default": the profile as Chromium creates it;
* "third-party-allowed": the same with the cookie setting "allow third-party cookies"
  (profile.cookie_controls_mode = 0 in the profile's Preferences).
Per case: cookies cleared, fetch(set) then fetch(echo), both credentials: 'include'. `stored` comes
from the browser's cookie jar (with its partition key), `sent` from what the API received, and
`blocked_reasons` from DevTools (Network.responseReceivedExtraInfo: why a Set-Cookie was refused,
the reasons the Network panel and the Issues panel put into words).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path

from .cases import CASES, PLACEMENTS, CookieCase
from .server import CookieServers

CHROMIUM = os.environ.get("CORS_DOCTOR_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROFILES = {
    "default": {},
    "third-party-allowed": {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}},
}
# What each profile's third-party setting is, as cors-doctor's --third-party-cookies spells it.
THIRD_PARTY = {"default": "block", "third-party-allowed": "allow"}
CASE_TIMEOUT_S = 15.0
RUN_TIMEOUT_S = 240.0

FETCH_BOTH = """
async ({setUrl, echoUrl}) => {
  const first = await fetch(setUrl, {credentials: 'include'});
  await first.text();
  const second = await fetch(echoUrl, {credentials: 'include'});
  return await second.text();
}
"""


def _sent(echo: str, name: str) -> bool:
    return any(pair.strip().partition("=")[0] == name for pair in echo.split(";") if pair.strip())


async def _run_profile(playwright, prefs: dict, servers: CookieServers) -> tuple[str, dict]:
    with tempfile.TemporaryDirectory(prefix="cookie-suite-") as directory:
        if prefs:
            (Path(directory) / "Default").mkdir()
            (Path(directory) / "Default" / "Preferences").write_text(json.dumps(prefs))
        context = await playwright.chromium.launch_persistent_context(
            directory, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000
        )
        try:
            version = context.browser.version if context.browser else ""
            page = await context.new_page()
            blocked: list[dict] = []
            cdp = await context.new_cdp_session(page)
            await cdp.send("Network.enable")
            # The reasons DevTools shows in the Network panel's Cookies tab, per refused Set-Cookie line.
            cdp.on("Network.responseReceivedExtraInfo", lambda event: blocked.extend(event.get("blockedCookies", [])))
            results: dict[str, dict] = {}
            for placement in PLACEMENTS:
                await page.goto(servers.page_url(placement) + "/", timeout=10_000)
                for case in (c for c in CASES if c.placement == placement):
                    await context.clear_cookies()
                    blocked.clear()
                    result = await asyncio.wait_for(_run_case(context, page, case, servers), CASE_TIMEOUT_S)
                    result["blocked_reasons"] = sorted(
                        {
                            reason
                            for b in blocked
                            if b.get("cookieLine", "").startswith(case.cookie_name + "=")
                            for reason in b.get("blockedReasons", [])
                        }
                    )
                    results[case.id] = result
            return version, results
        finally:
            await context.close()


async def _run_case(context, page, case: CookieCase, servers: CookieServers) -> dict:
    echo = await page.evaluate(
        FETCH_BOTH, {"setUrl": servers.api_url(case, "set"), "echoUrl": servers.api_url(case, "echo")}
    )
    jar = [c for c in await context.cookies() if c["name"] == case.cookie_name]
    return {
        "stored": bool(jar),
        "partitioned": any(c.get("partitionKey") for c in jar),
        "sent": _sent(echo, case.cookie_name),
    }


async def _run_all(servers: CookieServers) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        out: dict = {"engine": "chromium", "profiles": {}}
        for name, prefs in PROFILES.items():
            version, results = await _run_profile(playwright, prefs, servers)
            out["version"] = version
            out["profiles"][name] = {
                "third_party": THIRD_PARTY[name],
                "preferences": prefs,
                "args": LAUNCH_ARGS,
                "results": results,
            }
        return out


def run_chromium(servers: CookieServers) -> dict:
    """Every case in both profiles: {"version", "profiles": {name: {"third_party", "results"}}}."""
    return asyncio.run(asyncio.wait_for(_run_all(servers), RUN_TIMEOUT_S))


def fetch_twice(page_url: str, first: str, second: str, profile: str) -> str:
    """In a fresh Chromium profile: open page_url, fetch(first) then fetch(second) with credentials;
    the body of the second reply."""

    async def go() -> str:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            with tempfile.TemporaryDirectory(prefix="cookie-suite-") as directory:
                if PROFILES[profile]:
                    (Path(directory) / "Default").mkdir()
                    (Path(directory) / "Default" / "Preferences").write_text(json.dumps(PROFILES[profile]))
                context = await playwright.chromium.launch_persistent_context(
                    directory, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000
                )
                try:
                    page = await context.new_page()
                    await page.goto(page_url + "/", timeout=10_000)
                    return await page.evaluate(FETCH_BOTH, {"setUrl": first, "echoUrl": second})
                finally:
                    await context.close()

    return asyncio.run(asyncio.wait_for(go(), 90))
