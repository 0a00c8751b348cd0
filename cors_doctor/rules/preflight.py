"""Judging the reply to a CORS preflight (Fetch "CORS-preflight fetch", PFV-* and PFC-*)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cors_doctor.model import Browser, Headers, header_values
from cors_doctor.rules.safelist import SAFELISTED_METHODS, is_token

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_AGE_CAP: dict[Browser, int] = {"chrome": 7200, "firefox": 86400, "safari": 600}
DEFAULT_MAX_AGE = 5

PreflightFailureKind = Literal["redirect", "status", "methods-unparsable", "headers-unparsable", "method", "header"]


@dataclass(frozen=True)
class PreflightFailure:
    kind: PreflightFailureKind
    hint: str = ""


def is_redirect(status: int, headers: Headers) -> bool:
    # An empty Location is no redirect: Chromium hands the 3xx itself to the page (redir-location-empty).
    return status in REDIRECT_STATUSES and any(v.strip(" \t") for v in header_values(headers, "Location"))


def parse_header_list(headers: Headers, name: str) -> list[str] | None:
    """Fetch "extract header list values": union of all lines, empty items skipped, tokens only.

    Returns None when an item is not a token (the browser treats that as a network error).
    """
    items: list[str] = []
    for line in header_values(headers, name):
        for item in line.split(","):
            item = item.strip(" \t")
            if not item:
                continue
            if not is_token(item):
                return None
            items.append(item)
    return items


def first_bad_item(headers: Headers, name: str) -> str:
    for line in header_values(headers, name):
        for item in line.split(","):
            item = item.strip(" \t")
            if item and not is_token(item):
                return item
    return ""


def method_allowed(method: str, allow_methods: list[str], credentials: bool) -> bool:
    """PFV-6: safelisted, listed byte-exact (case-sensitive), or `*` without credentials."""
    if method in SAFELISTED_METHODS or method in allow_methods:
        return True
    return not credentials and "*" in allow_methods


@dataclass(frozen=True)
class HeaderJudgement:
    missing: str | None  # first header name the reply does not allow, in request order
    authorization_by_wildcard: bool  # allowed only because of `*` (spec says no; browsers allow)


def headers_allowed(unsafe_names: tuple[str, ...], allow_headers: list[str], credentials: bool) -> HeaderJudgement:
    """PFV-7/8 as browsers ship them: `*` still covers Authorization when credentials are omitted."""
    allowed = {h.lower() for h in allow_headers}
    wildcard = "*" in allowed and not credentials
    by_wildcard = False
    for name in unsafe_names:
        if name in allowed:
            continue
        if wildcard:
            by_wildcard = by_wildcard or name == "authorization"
            continue
        return HeaderJudgement(name, False)
    return HeaderJudgement(None, by_wildcard)


def judge_preflight_lists(
    method: str, unsafe_names: tuple[str, ...], headers: Headers, credentials: bool, browser: Browser = "chrome"
) -> tuple[PreflightFailure | None, HeaderJudgement | None]:
    """Parse Allow-Methods then Allow-Headers, then check the method, then the headers.

    Firefox checks the method before it parses Allow-Headers, so a refused method wins there
    over an unparsable Allow-Headers."""
    allow_methods = parse_header_list(headers, "Access-Control-Allow-Methods")
    if allow_methods is None:
        return PreflightFailure("methods-unparsable", first_bad_item(headers, "Access-Control-Allow-Methods")), None
    method_ok = method_allowed(method, allow_methods, credentials)
    if browser == "firefox" and not method_ok:
        return PreflightFailure("method", method), None
    allow_headers = parse_header_list(headers, "Access-Control-Allow-Headers")
    if allow_headers is None:
        return PreflightFailure("headers-unparsable", first_bad_item(headers, "Access-Control-Allow-Headers")), None
    if not method_ok:
        return PreflightFailure("method", method), None
    judgement = headers_allowed(unsafe_names, allow_headers, credentials)
    if judgement.missing is not None:
        return PreflightFailure("header", judgement.missing), judgement
    return None, judgement


@dataclass(frozen=True)
class MaxAge:
    raw: str | None
    effective: int  # seconds the browser caches the preflight result
    note: str = ""


def max_age(headers: Headers, browser: Browser) -> MaxAge:
    """PFC-1..3: how long the chosen browser caches this preflight result."""
    values = header_values(headers, "Access-Control-Max-Age")
    cap = MAX_AGE_CAP[browser]
    if not values:
        if browser == "firefox":  # cache-default: Firefox preflights the next request again
            return MaxAge(None, 0, "no Access-Control-Max-Age: Firefox does not cache the preflight")
        return MaxAge(None, DEFAULT_MAX_AGE, f"no Access-Control-Max-Age: cached {DEFAULT_MAX_AGE} s")
    raw = ", ".join(v.strip(" \t") for v in values)
    if len(values) > 1 or not raw.lstrip("-").isdigit():
        if browser == "firefox":
            return MaxAge(raw, 0, f"invalid Access-Control-Max-Age {raw!r}: Firefox does not cache it")
        return MaxAge(raw, DEFAULT_MAX_AGE, f"invalid Access-Control-Max-Age {raw!r}: cached {DEFAULT_MAX_AGE} s")
    seconds = int(raw)
    if seconds <= 0:
        return MaxAge(raw, 0, "not cached: every request is preflighted again")
    if seconds > cap:
        return MaxAge(raw, cap, f"{seconds} s is capped to {cap} s by {browser}")
    return MaxAge(raw, seconds)
