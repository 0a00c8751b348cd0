"""Cookie messages browsers print, recognised for `cors-doctor explain` (pure).

Chrome reports blocked cookies in DevTools (the Issues panel and the Network panel's Cookies
tab), Firefox in the console (texts as firefox-esr 153 prints them, recorded by the live cookie
suite). No Safari cookie message is known here: WebKit prints no console messages for the
automated pages the suite can drive. Each message maps to the CD8xx rule `check --credentials`
reports for the same cookie, with the same advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cors_doctor.cookies.judge import CODES

_Q = "[\"'\u201c\u201d`]?"  # the quotes browsers put around names and attribute values, if any
_NAME = r"(?:Cookie|cookie) \u201c(?P<name>[^\u201d]*)\u201d"


@dataclass(frozen=True)
class CookieMessage:
    browser: str
    kind: str
    regex: re.Pattern[str]
    sets: bool | None  # True: the Set-Cookie was refused; False: the cookie was not sent; None: both


def _p(browser: str, kind: str, pattern: str, sets: bool | None) -> CookieMessage:
    return CookieMessage(browser, kind, re.compile(pattern, re.IGNORECASE), sets)


_SET = r"(?:This (?:attempt to set a cookie via a )?`?Set-Cookie`?(?: header)?|This Set-Cookie)"
_SENT = r"This cookie"
MESSAGES: tuple[CookieMessage, ...] = (
    # Chrome, DevTools (Network > Cookies and the Issues panel), per blocked reason.
    _p("chrome", "lax-by-default", rf"{_SET} didn.?t specify a {_Q}`?SameSite`?{_Q} attribute", True),
    _p("chrome", "lax-by-default", rf"{_SENT} didn.?t specify a {_Q}`?SameSite`?{_Q} attribute", False),
    _p(
        "chrome",
        "lax-by-default",
        r"(?:SameSite attribute was not set or is invalid, it defaults to SameSite=Lax"
        r"|Indicate whether to send a cookie in a cross-site request)",
        None,
    ),
    _p(
        "chrome",
        "none-without-secure",
        rf"(?:{_SET}|{_SENT}) was blocked because it had the {_Q}`?SameSite=None`?"
        rf"{_Q} attribute but (?:did not have|was not marked)",
        None,
    ),
    _p(
        "chrome",
        "samesite-cross-site",
        rf"{_SET} was blocked because it had the {_Q}`?SameSite=(?:Lax|Strict)`?"
        rf"{_Q} attribute but came from a cross-site response",
        True,
    ),
    _p(
        "chrome",
        "samesite-cross-site",
        rf"{_SENT} was blocked because it had the {_Q}`?SameSite=(?:Lax|Strict)`?"
        rf"{_Q} attribute and the request was made from a different site",
        False,
    ),
    _p(
        "chrome",
        "secure-over-http",
        rf"{_SET} was blocked because it had the {_Q}`?Secure`?{_Q} attribute but was "
        "not received over a secure connection",
        True,
    ),
    _p(
        "chrome",
        "secure-over-http",
        rf"{_SENT} was blocked because it had the {_Q}`?Secure`?{_Q} attribute and the "
        "connection was not secure",
        False,
    ),
    _p("chrome", "domain", rf"{_SET} was blocked because its Domain attribute was invalid", True),
    _p(
        "chrome",
        "prefix",
        rf"{_SET} was blocked because it used the {_Q}`?__Secure-`?{_Q} or {_Q}`?__Host-`?{_Q} "
        "prefix",
        True,
    ),
    _p("chrome", "path", rf"{_SENT} was blocked because its path was not an exact match", False),
    _p(
        "chrome",
        "partitioned-without-secure",
        rf"{_SET} was blocked because it had the {_Q}`?Partitioned`?{_Q} "
        "attribute",
        True,
    ),
    _p(
        "chrome",
        "third-party-blocked",
        rf"(?:{_SET}|{_SENT}) was blocked (?:due to user preferences|either because "
        "of Chrome flags or browser configuration)",
        None,
    ),
    # Firefox console (netwerk/cookie messages).
    _p(
        "firefox",
        "samesite-cross-site",
        rf"{_NAME} has been rejected because it is in a cross-site context and its "
        "\u201cSameSite\u201d is \u201cLax\u201d or \u201cStrict\u201d",
        True,
    ),
    _p(
        "firefox",
        "none-without-secure",
        rf"{_NAME} rejected because it has the \u201cSameSite=None\u201d attribute "
        "but is missing the \u201csecure\u201d attribute",
        True,
    ),
    _p(
        "firefox",
        "secure-over-http",
        rf"{_NAME} has been rejected because a non-HTTPS cookie can.t be set as "
        "\u201csecure\u201d",
        True,
    ),
    _p("firefox", "domain", rf"{_NAME} has been rejected for invalid domain", True),
    _p("firefox", "prefix", rf"{_NAME} has been rejected for invalid prefix", True),
    _p(
        "firefox",
        "third-party-blocked",
        rf"(?:{_NAME} has been rejected as third-party|Request to access cookie or "
        "storage on .* was blocked because we are blocking all third-party)",
        None,
    ),
    _p(
        "firefox",
        "partitioned",
        rf"(?:{_NAME} will soon be rejected because it is foreign and does not have the "
        "\u201cPartitioned\u201c? attribute|Partitioned cookie or storage access was "
        "provided to)",
        True,
    ),
    _p(
        "firefox",
        "lax-by-default-elsewhere",
        r"Invalid \u201cSameSite\u201c? value for cookie \u201c(?P<name>[^"
        r"\u201d]*)\u201d",
        True,
    ),
)
_FAILED = {
    "lax-by-default": "The cookie has no SameSite attribute, so Chrome treats it as SameSite=Lax; a Lax cookie is "
    "neither stored from nor sent with a cross-site fetch().",
    "none-without-secure": "SameSite=None without Secure: the browser refuses the cookie.",
    "samesite-cross-site": "The cookie is SameSite=Lax or Strict, and page and API are different sites (schemes "
    "count in Chrome): it is neither stored from nor sent with the cross-site fetch().",
    "secure-over-http": "A Secure cookie arrived, or was to be sent, over plain http.",
    "domain": "The Domain attribute does not cover the host that set the cookie.",
    "prefix": "The __Host- or __Secure- name prefix demands attributes the cookie lacks.",
    "path": "The cookie's Path does not cover the request URL.",
    "partitioned-without-secure": "A Partitioned cookie must be Secure.",
    "third-party-blocked": "The browser blocks third-party cookies (the user's setting, Incognito, enterprise policy, "
    "or Firefox's strict mode): no attribute changes that.",
    "partitioned": "Firefox keeps this third-party cookie in a jar for the page's site (Total Cookie Protection): it "
    "is sent back while the page is on that site, never from another one.",
    "lax-by-default-elsewhere": "The SameSite value is not Lax, Strict or None, so it counts as absent: Chrome then "
    "treats the cookie as Lax and refuses it cross-site.",
}
_FIX = {
    "lax-by-default": "Set-Cookie: NAME=...; SameSite=None; Secure; Path=/ (and https for the API), or serve the API "
    "from the page's site",
    "none-without-secure": "add Secure (SameSite=None; Secure) and serve the API over https",
    "samesite-cross-site": "SameSite=None; Secure on the cookie, or serve the API from the page's site (a subdomain, "
    "or a path behind a reverse proxy)",
    "secure-over-http": "serve the API over https (http://localhost is exempt in Chrome and Firefox)",
    "domain": "remove the Domain attribute or set it to a parent domain of the API's host",
    "prefix": "__Host- cookies need Secure, Path=/ and no Domain; __Secure- cookies need Secure",
    "path": "Path=/ on the cookie",
    "partitioned-without-secure": "add Secure to the Partitioned cookie",
    "third-party-blocked": "serve the API from the page's site (a subdomain or a path behind a reverse proxy), or use "
    "a token in the Authorization header instead of a cookie",
    "partitioned": "nothing for one front end; add Partitioned to say so explicitly, or serve the API from the page's "
    "site if several sites share the session",
    "lax-by-default-elsewhere": "SameSite=None; Secure (or Lax/Strict if the cookie is first-party only)",
}


@dataclass(frozen=True)
class CookieHit:
    """One recognised cookie message."""

    browser: str
    kind: str
    code: str
    text: str
    cookie: str | None
    sets: bool | None
    failed: str
    fix: str


def recognise_cookie_message(line: str) -> CookieHit | None:
    text = " ".join(line.replace("`", "").split())
    for m in MESSAGES:
        found = m.regex.search(text)
        if found:
            name = found.groupdict().get("name")
            return CookieHit(m.browser, m.kind, CODES[m.kind], text, name, m.sets, _FAILED[m.kind], _FIX[m.kind])
    return None


def split_cookie_lines(text: str) -> tuple[list[CookieHit], str]:
    """The cookie messages in pasted text, and the rest of the text for the CORS recogniser."""
    hits: list[CookieHit] = []
    rest: list[str] = []
    for line in text.splitlines():
        hit = recognise_cookie_message(line)
        if hit is None:
            rest.append(line)
        elif hit not in hits:
            hits.append(hit)
    return hits, "\n".join(rest)
