"""`--json`: one object on stdout, the contract in docs/json-output.md."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cors_doctor.fixes import FixSuggestion
from cors_doctor.masking import mask_echoes, secret_values
from cors_doctor.model import Exchange, Verdict
from cors_doctor.render import mask_headers

if TYPE_CHECKING:
    from cors_doctor.cookies import CookieReport
    from cors_doctor.diagnosis.fingerprint import FrameworkGuess

SCHEMA_VERSION = 1


def _headers_dict(headers, show_secrets: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in mask_headers(headers, show_secrets):
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _reply_headers(ex: Exchange, show_secrets: bool) -> list[list[str]]:
    """The reply's headers, with secrets masked, also where the server echoes the request's."""
    if ex.response is None:
        return []
    secrets = () if show_secrets else secret_values(ex.request.headers)
    return [[n, mask_echoes(v, secrets)] for n, v in mask_headers(ex.response.headers, show_secrets)]


def _hop(ex: Exchange, show_secrets: bool) -> dict[str, Any]:
    resp = ex.response
    return {
        "url": ex.request.url,
        "method": ex.request.method,
        "origin_header": {n.lower(): v for n, v in ex.request.headers}.get("origin"),
        "request_headers": _headers_dict(ex.request.headers, show_secrets),
        "status": resp.status if resp else None,
        "response_headers": _reply_headers(ex, show_secrets),
        "network_error": ex.network_error,
    }


def verdict_dict(
    verdict: Verdict,
    fix: FixSuggestion | None = None,
    show_secrets: bool = False,
    framework: FrameworkGuess | None = None,
    cookies: CookieReport | None = None,
    cookie_fix: FixSuggestion | None = None,
) -> dict[str, Any]:
    plan = verdict.plan
    pre = verdict.preflight
    preflight = None
    if pre is not None:
        preflight = {
            "reasons": list(plan.preflight_reasons),
            "request_headers": _headers_dict(pre.request.headers, show_secrets),
            "status": pre.response.status if pre.response else None,
            "response_headers": _reply_headers(pre, show_secrets),
            "passed": verdict.preflight_passed,
            "cache_seconds": preflight_cache_seconds(pre, plan.spec.browser) if verdict.preflight_passed else None,
        }
    hops = [_hop(ex, show_secrets) for ex in verdict.actual_hops]
    return {
        "version": SCHEMA_VERSION,
        "allowed": verdict.allowed,
        "verified": not verdict.unverified,
        "browser": plan.spec.browser,
        "request": {
            "url": plan.url,
            "origin": plan.origin,
            "method": plan.method,
            "headers": _headers_dict(plan.headers, show_secrets),
            "dropped_headers": list(plan.dropped_headers),
            "credentials": plan.spec.credentials,
            "mode": plan.spec.mode,
            "client": plan.spec.client,
        },
        "preflight": preflight,
        "actual": {
            "sent": verdict.actual_sent,
            "not_sent_reason": None if verdict.actual_sent else _not_sent_reason(verdict),
            "hops": hops,
        },
        "exposed_headers": list(verdict.exposed_headers),
        "browser_message": verdict.browser_message,
        "findings": [f.to_dict() for f in verdict.findings],
        "unverified": list(verdict.unverified),
        "cookies": _cookies(cookies, cookie_fix),
        "framework": None
        if framework is None
        else {
            "name": framework.name,
            "title": framework.title,
            "guessed": framework.guessed,
            "evidence": list(framework.evidence),
        },
        "fix": None
        if fix is None
        else {
            "framework": fix.framework,
            "title": fix.title,
            "language": fix.language,
            "snippet": fix.snippet,
            "notes": list(fix.notes),
            "parts": [{"where": p.where, "placement": p.placement, "text": p.text} for p in fix.parts],
        },
    }


def _cookies(cookies: CookieReport | None, cookie_fix: FixSuggestion | None) -> dict[str, Any] | None:
    if cookies is None:
        return None
    from cors_doctor.render.check.cookies import cookies_dict

    return cookies_dict(cookies, cookie_fix)


def preflight_cache_seconds(pre: Exchange, browser) -> int | None:
    """How long the browser keeps this (passed) preflight's result: Access-Control-Max-Age read
    with the browser's default, parsing quirks and cap."""
    if pre.response is None:
        return None
    from cors_doctor.rules.preflight import max_age

    return max_age(pre.response.headers, browser).effective


def _not_sent_reason(verdict: Verdict) -> str:
    if verdict.unverified:
        return f"{verdict.plan.method} can change data on the server; pass --actual to send it"
    if verdict.preflight_passed is False:
        return "the preflight failed, so the browser never sends the request"
    return "the browser blocks the request before sending it"


def render(
    verdict: Verdict,
    fix: FixSuggestion | None = None,
    show_secrets: bool = False,
    framework: FrameworkGuess | None = None,
    cookies: CookieReport | None = None,
    cookie_fix: FixSuggestion | None = None,
) -> str:
    return json.dumps(
        verdict_dict(verdict, fix, show_secrets, framework, cookies, cookie_fix), indent=2, ensure_ascii=False
    )
