"""Run the cookie cases in headless Firefox (firefox-esr over Marionette), in two cookie settings.

Firefox is started by the conformance suite's runner (fresh profile and HOME, kept off the
network); the cookie behaviour is then set per profile through the pref service:
* "default": network.cookie.cookieBehavior reset to Firefox's own default (recorded: 5 is
  Total Cookie Protection, third-party cookies partitioned by the top-level site);
* "third-party-allowed": cookieBehavior 0, accept all cookies.
`stored` comes from the cookie service (with its partition key), `sent` from what the API received,
`console` is every console line about cookies the case produced.
"""

from __future__ import annotations

import time

from .cases import CASES, PLACEMENTS, CookieCase
from .server import CookieServers

THIRD_PARTY_OF_BEHAVIOR = {0: "allow", 5: "partition", 1: "block", 4: "allow"}
CASE_TIMEOUT_S = 15.0
CONSOLE_GRACE_S = 0.3  # bounded wait for the console line of a refused cookie

_RESET_DEFAULT = """
Services.prefs.clearUserPref("network.cookie.cookieBehavior");
return Services.prefs.getIntPref("network.cookie.cookieBehavior");
"""
_ALLOW_ALL = """
Services.prefs.setIntPref("network.cookie.cookieBehavior", 0);
return Services.prefs.getIntPref("network.cookie.cookieBehavior");
"""
_PREFS = """
const get = (n) => Services.prefs.getPrefType(n) ? Services.prefs.getBoolPref(n, null) : null;
return {
  laxByDefault: get("network.cookie.sameSite.laxByDefault"),
  noneRequiresSecure: get("network.cookie.sameSite.noneRequiresSecure"),
  schemeful: get("network.cookie.sameSite.schemeful"),
};
"""
_JAR = """
const [name] = arguments;
return Services.cookies.cookies.filter(c => c.name === name)
  .map(c => ({host: c.host, partitionKey: c.originAttributes.partitionKey || ""}));
"""
_FETCH_BOTH = """
const [args, done] = arguments;
(async () => {
  const first = await fetch(args.setUrl, {credentials: 'include'});
  await first.text();
  const second = await fetch(args.echoUrl, {credentials: 'include'});
  return await second.text();
})().then(done, e => done('ERROR ' + e));
"""


def _sent(echo: str, name: str) -> bool:
    return any(pair.strip().partition("=")[0] == name for pair in echo.split(";") if pair.strip())


def _run_case(runner, case: CookieCase, servers: CookieServers) -> dict:
    runner._chrome("Services.cookies.removeAll(); Services.console.reset();")
    client = runner._client
    started = time.monotonic()
    echo = client.execute_async_script(
        _FETCH_BOTH,
        script_args=[{"setUrl": servers.api_url(case, "set"), "echoUrl": servers.api_url(case, "echo")}],
        sandbox=None,
        new_sandbox=False,
    )
    assert time.monotonic() - started < CASE_TIMEOUT_S
    assert not str(echo).startswith("ERROR"), (case.id, echo)
    with client.using_context(client.CONTEXT_CHROME):
        jar = client.execute_script(_JAR, script_args=[case.cookie_name], sandbox="system")
    return {
        "stored": bool(jar),
        "partitioned": any(c["partitionKey"] for c in jar),
        "sent": _sent(echo, case.cookie_name),
        "console": _cookie_console(runner),
    }


def _cookie_console(runner) -> list[str]:
    """The console lines about cookies this case produced (Firefox logs them as the reply arrives)."""
    from tests.conformance.firefox import _CONSOLE_READ

    deadline = time.monotonic() + CONSOLE_GRACE_S
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = [line for line in runner._chrome(_CONSOLE_READ) if "ookie" in line]
        if lines:
            break
        time.sleep(0.05)
    return sorted(set(lines))


def _run_profile(runner, servers: CookieServers) -> dict:
    results = {}
    for placement in PLACEMENTS:
        runner._client.navigate(servers.page_url(placement) + "/")
        for case in (c for c in CASES if c.placement == placement):
            results[case.id] = _run_case(runner, case, servers)
    return results


def run_firefox(servers: CookieServers) -> dict:
    """Every case with Firefox's default cookie behaviour and with all cookies accepted."""
    from tests.conformance.firefox import FirefoxRunner

    with FirefoxRunner() as runner:
        out: dict = {"engine": "firefox", "version": runner.version, "profiles": {}}
        out["sameSite_prefs"] = runner._chrome(_PREFS)
        for name, script in (("default", _RESET_DEFAULT), ("third-party-allowed", _ALLOW_ALL)):
            behavior = runner._chrome(script)
            out["profiles"][name] = {
                "third_party": THIRD_PARTY_OF_BEHAVIOR.get(behavior, f"cookieBehavior {behavior}"),
                "preferences": {"network.cookie.cookieBehavior": behavior},
                "results": _run_profile(runner, servers),
            }
        return out
