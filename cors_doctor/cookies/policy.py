"""What each browser does with cookies on a cross-site credentialed fetch(), by default.

Every field says where the fact comes from: the engine's source, or what the engine did in the
live cookie suite (tests/cookies/, fixture files record the engine version and its settings).

* Chrome (Chromium net/cookies): a cookie without SameSite is treated as Lax
  (CookieSameSite::UNSPECIFIED -> LAX_MODE, "Lax by default" since Chrome 80); SameSite=None
  without Secure is refused (EXCLUDE_SAMESITE_NONE_INSECURE); same-site is schemeful (since
  Chrome 89); Partitioned (CHIPS) needs Secure and keys the cookie by the top-level site.
  http://localhost and http://127.0.0.1 count as secure for Secure cookies (live suite).
  Third-party cookies: allowed in a default Chrome profile, blocked in Incognito, by the user's
  setting or enterprise policy, and in Chromium 156 as started headless by Playwright (live
  suite); Partitioned cookies still work there.
* Firefox (netwerk/cookie, network.cookie.* prefs, values read from firefox-esr 153 by the live
  suite): no Lax by default (network.cookie.sameSite.laxByDefault = false), SameSite=None
  without Secure refused (network.cookie.sameSite.noneRequiresSecure = true), not schemeful
  (network.cookie.sameSite.schemeful = false); Total Cookie Protection
  (network.cookie.cookieBehavior = 5, the default) stores third-party cookies in a jar
  partitioned by the top-level site: they are stored and sent back, but only while the page is
  on that site. http://localhost and http://127.0.0.1 count as secure (live suite).
* Safari (WebKit): no Lax by default, SameSite=None without Secure accepted, not schemeful;
  Intelligent Tracking Prevention blocks all third-party cookies, and the Partitioned attribute
  does not lift the block. What the live suite can drive is WebKitGTK (MiniBrowser), whose cookie
  store is libsoup's, not Apple's: it defaults to the `no-third-party` policy, refuses Secure
  cookies over http even on localhost and 127.0.0.1, does not enforce the __Secure-/__Host-
  prefixes and refuses Domain=<IP address>. The model follows that engine where it was
  observed; Apple Safari's own store may differ on the prefixes and on IP domains.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from cors_doctor.model import Browser

ThirdParty = Literal["allow", "partition", "block"]
THIRD_PARTY_CHOICES: tuple[ThirdParty, ...] = ("allow", "partition", "block")


@dataclass(frozen=True)
class CookiePolicy:
    """The cookie rules one browser applies (its defaults unless overridden)."""

    browser: Browser
    lax_by_default: bool
    none_requires_secure: bool
    schemeful: bool
    third_party: ThirdParty
    partitioned_supported: bool  # a Partitioned cookie survives a third-party block
    partitioned_requires_secure: bool
    loopback_is_secure: bool  # Secure cookies may be set and sent over http://localhost / 127.0.0.1
    prefixes_enforced: bool = True  # __Secure- / __Host- names demand their attributes
    ip_domain_allowed: bool = True  # Domain=<the IP address itself> is accepted on an IP host
    third_party_is_default: bool = True  # False when the caller chose third_party


_DEFAULTS: dict[Browser, CookiePolicy] = {
    "chrome": CookiePolicy(
        "chrome",
        lax_by_default=True,
        none_requires_secure=True,
        schemeful=True,
        third_party="allow",
        partitioned_supported=True,
        partitioned_requires_secure=True,
        loopback_is_secure=True,
    ),
    "firefox": CookiePolicy(
        "firefox",
        lax_by_default=False,
        none_requires_secure=True,
        schemeful=False,
        third_party="partition",
        partitioned_supported=True,
        partitioned_requires_secure=False,
        loopback_is_secure=True,
    ),
    "safari": CookiePolicy(
        "safari",
        lax_by_default=False,
        none_requires_secure=False,
        schemeful=False,
        third_party="block",
        partitioned_supported=False,
        partitioned_requires_secure=False,
        loopback_is_secure=False,
        prefixes_enforced=False,
        ip_domain_allowed=False,
    ),
}


def policy_for(browser: Browser, third_party: ThirdParty | None = None) -> CookiePolicy:
    """The browser's default cookie rules; `third_party` replaces its third-party cookie setting."""
    policy = _DEFAULTS[browser]
    if third_party is None or third_party == policy.third_party:
        return policy
    return dataclasses.replace(policy, third_party=third_party, third_party_is_default=False)
