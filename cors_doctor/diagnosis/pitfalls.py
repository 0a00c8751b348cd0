"""Classic framework and proxy pitfalls recognised from the replies (pure), as CD6xx findings.

The browser rules (evaluate.py) say *what* failed; these say *which known mistake* produced it,
in the words of the framework that answered: a Starlette 400 naming the list to fix, a 500 made
outside CORSMiddleware, nginx add_header without `always`, OPTIONS routed to a 405, two layers
adding CORS, and configurations that let every origin in with credentials.
"""

from __future__ import annotations

import dataclasses

from cors_doctor.errors import CorsDoctorError
from cors_doctor.fixes import pitfall_text as advice
from cors_doctor.model import Exchange, Finding, Response, Verdict, header_get, header_values
from cors_doctor.origin import parse_origin
from cors_doctor.plan import finding
from cors_doctor.rules.codes import Code

CANARY_ORIGIN = "https://cors-doctor-canary.invalid"
# Statuses nginx's add_header applies to without `always` (ngx_http_headers_module).
NGINX_ADD_HEADER_STATUSES = frozenset({200, 201, 204, 206, 301, 302, 303, 304, 307, 308})
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _responses(verdict: Verdict) -> list[tuple[Exchange, Response]]:
    return [(ex, ex.response) for ex in verdict.exchanges if ex.response is not None]


def _acao(response: Response) -> list[str]:
    return header_values(response.headers, "Access-Control-Allow-Origin")


def _first_line(response: Response) -> str:
    body = response.body_excerpt.strip()
    return body.splitlines()[0][:120] if body else ""


def _server(response: Response) -> str:
    return (header_get(response.headers, "Server") or "").strip()


def _starlette_refusal(verdict: Verdict, response: Response, framework: str) -> Finding | None:
    body = response.body_excerpt.strip()
    plan = verdict.plan
    reasons = [r.strip() for r in body[len("Disallowed CORS ") :].split(",") if r.strip()]
    pre = verdict.preflight
    requested = (
        [
            h.strip()
            for h in (header_get(pre.request.headers, "Access-Control-Request-Headers") or "").split(",")
            if h.strip()
        ]
        if pre
        else []
    )
    allowed = {
        h.strip().lower() for h in (header_get(response.headers, "Access-Control-Allow-Headers") or "").split(",")
    }
    said, fixes = [], []
    for reason in reasons:
        if reason == "origin":
            said.append(f"the origin {plan.origin} is not in allow_origins")
            fixes.append(f'"{plan.origin}" to allow_origins')
        elif reason == "method":
            said.append(f"{plan.method} is not in allow_methods (compared case-sensitively)")
            fixes.append(f'"{plan.method}" to allow_methods')
        elif reason == "headers":
            missing = [h for h in requested if h.lower() not in allowed] or requested
            noun, verb = ("header", "is") if len(missing) == 1 else ("headers", "are")
            said.append(f"the request {noun} {', '.join(missing)} {verb} not in allow_headers")
            fixes.append(", ".join(f'"{h}"' for h in missing) + " to allow_headers")
        elif reason == "private-network":
            said.append("allow_private_network is not enabled")
            fixes.append("allow_private_network=True")
    if not said:
        return None
    return finding(
        Code.PREFLIGHT_REFUSED_BY_FRAMEWORK,
        f"Starlette's CORSMiddleware refused the preflight with 400 {body[:80]!r}: {'; '.join(said)}",
        f"add {', '.join(fixes)} in the CORSMiddleware arguments",
        "preflight",
    )


def _preflight_findings(verdict: Verdict, framework: str) -> list[Finding]:
    pre = verdict.preflight
    if pre is None or pre.response is None:
        return []
    r = pre.response
    body = r.body_excerpt.strip()
    out: list[Finding] = []
    if r.status == 400 and body.startswith("Disallowed CORS "):
        refusal = _starlette_refusal(verdict, r, framework)
        if refusal:
            out.append(refusal)
    elif r.status == 403 and "Invalid CORS request" in body:
        out.append(
            finding(
                Code.PREFLIGHT_REFUSED_BY_FRAMEWORK,
                "Spring's DefaultCorsProcessor refused the preflight with 403 'Invalid CORS request': the origin, the "
                "method or one of the request headers is not in its CorsConfiguration",
                f"allow {verdict.plan.origin}, {verdict.plan.method} and the request headers in the CorsConfiguration",
                "preflight",
            )
        )
    elif r.status in (401, 403):
        challenge = header_get(r.headers, "WWW-Authenticate")
        extra = f" (WWW-Authenticate: {challenge})" if challenge else ""
        out.append(
            finding(
                Code.PREFLIGHT_REQUIRES_AUTHENTICATION,
                f"the preflight was answered {r.status}{extra}: authentication ran before CORS, and a preflight never "
                "carries cookies or Authorization",
                advice.AUTH_FIRST.get(framework, "answer preflights before authentication"),
                "preflight",
            )
        )
    elif r.status in (404, 405, 501) or _automatic_options(r) or _served_like_get(r):
        allow = header_get(r.headers, "Allow")
        shown = f" (Allow: {allow})" if allow else ""
        if _automatic_options(r):
            what = f"answered by the router's automatic OPTIONS reply{shown}, without CORS headers"
        elif _served_like_get(r):
            what = f"answered {r.status} with the resource itself ({_first_line(r)[:60]!r}), without CORS headers"
        else:
            what = f"answered {r.status}{shown}" + (f" ({_first_line(r)!r})" if _first_line(r) else "")
        out.append(
            finding(
                Code.PREFLIGHT_REACHED_ROUTER,
                f"the preflight was {what}: no CORS layer handled it, so OPTIONS reached the routes or the file server",
                advice.HANDLE_PREFLIGHT.get(
                    framework, "answer OPTIONS preflights with 204 and the CORS headers, before routing"
                ),
                "preflight",
            )
        )
    acam = header_get(r.headers, "Access-Control-Allow-Methods")
    default = advice.DEFAULT_METHODS.get(framework)
    if acam is not None and default is not None:
        listed = {m.strip() for m in acam.split(",") if m.strip()}
        if listed == default[0] and verdict.plan.method not in listed:
            out.append(
                finding(
                    Code.DEFAULT_ALLOW_METHODS,
                    f"Access-Control-Allow-Methods is {acam!r}: {default[1]}, and {verdict.plan.method} is not in it",
                    f"list {verdict.plan.method} explicitly among the allowed methods",
                    "preflight",
                )
            )
    return out


def _served_like_get(r: Response) -> bool:
    """A 2xx with a body and no Access-Control-* header at all: OPTIONS was served like GET (file servers).

    CORS layers that refuse a preflight (rs/cors, ASP.NET Core, django-cors-headers) answer with an empty body.
    """
    return (
        200 <= r.status <= 299
        and bool(r.body_excerpt.strip())
        and not any(n.lower().startswith("access-control-") for n, _ in r.headers)
    )


def _automatic_options(r: Response) -> bool:
    """Routers answer OPTIONS themselves with 2xx and an Allow header (Flask: empty body; Express: the list)."""
    allow = header_get(r.headers, "Allow")
    body = r.body_excerpt.strip().replace(" ", "")
    return 200 <= r.status <= 299 and allow is not None and not _acao(r) and body in ("", allow.replace(" ", ""))


def _error_findings(verdict: Verdict, framework: str) -> list[Finding]:
    out: list[Finding] = []
    responses = _responses(verdict)
    cors_elsewhere = [r for _, r in responses if _acao(r)]
    for ex, r in responses:
        if (
            _acao(r)
            or r.status < 400
            or (ex.request.kind == "preflight" and r.status in (400, 401, 403, 404, 405, 501))
        ):
            continue
        proxy_rule = _proxy_rule_finding(ex, r, framework, cors_elsewhere)
        if proxy_rule is not None:
            out.append(proxy_rule)
            continue
        if ex.request.kind != "actual":
            continue
        if r.status >= 500:
            out.append(
                finding(
                    Code.ERROR_REPLY_OUTSIDE_CORS, _crash_message(r, framework), advice.crash_fix(framework), "actual"
                )
            )
        elif r.status in (401, 403, 429) and cors_elsewhere:
            out.append(
                finding(
                    Code.ERROR_REPLY_OUTSIDE_CORS,
                    f"the reply is {r.status} without CORS headers while the preflight had them: a middleware outside the "
                    "CORS layer answered before CORS ran, so the browser hides the real status behind a CORS error",
                    advice.AUTH_FIRST.get(framework, "make the CORS layer the outermost one"),
                    "actual",
                )
            )
    return out


def _proxy_rule_finding(ex: Exchange, r: Response, framework: str, cors_elsewhere: list[Response]) -> Finding | None:
    """nginx add_header / Apache Header set without `always`: headers on 2xx, none on errors."""
    server = _server(r)
    kind = server.lower()
    if kind.startswith("nginx") and r.status not in NGINX_ADD_HEADER_STATUSES:
        name, rule, fixed = (
            "nginx",
            (
                "add_header applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 "
                "unless the directive ends in `always`"
            ),
            "end every CORS add_header with `always` (add_header Access-Control-Allow-Origin $cors_allow_origin always;)",
        )
    elif kind.startswith("apache") and r.status >= 400:
        name, rule, fixed = (
            "Apache",
            ("plain `Header set` writes the onsuccess table, which error replies skip"),
            "use `Header always set` for every CORS header (Header always set Access-Control-Allow-Origin ...)",
        )
    else:
        return None
    if not cors_elsewhere and framework != name.lower():
        return None
    had = f", although its {cors_elsewhere[0].status} reply had them" if cors_elsewhere else ""
    return finding(
        Code.HEADER_RULE_SKIPS_ERRORS,
        f"{name} ({server}) sent this {r.status} without CORS headers{had}: {rule}",
        fixed,
        ex.request.kind,
    )


def _crash_message(r: Response, framework: str) -> str:
    shown = f" ({_first_line(r)!r})" if _first_line(r) else ""
    return f"{r.status}{shown} without CORS headers, reported by the browser as a CORS error: {advice.crash_cause(framework)}"


def _duplicate_findings(verdict: Verdict, framework: str) -> list[Finding]:
    for ex, r in _responses(verdict):
        values = _acao(r)
        if len(values) > 1 or any("," in v for v in values):
            proxy = _server(r) or (header_get(r.headers, "Via") or "").strip()
            who = (
                f"the proxy ({proxy}) and the application"
                if proxy
                else "two layers (a proxy or CDN and the application)"
            )
            fix = (
                "in nginx, proxy_hide_header Access-Control-Allow-Origin (and -Credentials) before adding your own"
                if proxy.lower().startswith("nginx") or framework == "nginx"
                else "let exactly one layer add CORS headers: remove them from the proxy or from the application"
            )
            return [
                finding(
                    Code.CORS_HEADERS_ADDED_TWICE,
                    f"Access-Control-Allow-Origin arrives as {' | '.join(values)!r}: {who} both add it",
                    fix,
                    ex.request.kind,
                )
            ]
    return []


_PROXY_SIGNS = ("Via", "X-Cache", "Age", "CF-Cache-Status", "X-Served-By", "X-Amz-Cf-Id", "X-Varnish")


def _lost_in_proxy_findings(verdict: Verdict) -> list[Finding]:
    pre = verdict.preflight
    if pre is None or pre.response is None or not _acao(pre.response):
        return []
    for ex, r in _responses(verdict):
        if ex.request.kind != "actual" or _acao(r) or not 200 <= r.status <= 299:
            continue
        signs = [f"{n}: {header_get(r.headers, n)}" for n in _PROXY_SIGNS if header_get(r.headers, n) is not None]
        if signs:
            return [
                finding(
                    Code.CORS_HEADERS_LOST_IN_PROXY,
                    f"the preflight had CORS headers but this {r.status} reply has none, and it passed through a proxy or "
                    f"cache ({'; '.join(signs)}): the proxy strips them, or a copy cached without them was served",
                    "let the proxy pass Access-Control-* headers through, send Vary: Origin, and put Origin in the cache key",
                    "actual",
                )
            ]
    return []


def _fixed_origin_findings(verdict: Verdict, framework: str, canary: Verdict | None) -> list[Finding]:
    origin = verdict.plan.origin
    for ex, r in _responses(verdict):
        values = _acao(r)
        if len(values) != 1:
            continue
        value = values[0].strip()
        if value in ("*", "null", origin) or not _is_origin(value):
            continue
        same_for_canary = canary is not None and any(_acao(cr) == [values[0]] for _, cr in _responses(canary))
        cached = [n for n in ("Age", "X-Cache", "CF-Cache-Status") if header_get(r.headers, n)]
        detail = " and the same value for another origin" if same_for_canary else ""
        cache = (
            f"; the reply may also come from a cache filled for {value} ({', '.join(cached)} present)" if cached else ""
        )
        return [
            finding(
                Code.HARD_CODED_ALLOW_ORIGIN,
                f"Access-Control-Allow-Origin is fixed to {value!r}{detail}: it is written by hand for one origin "
                f"(a handler, an OPTIONS route or a proxy rule), so {origin} can never pass{cache}",
                "remove the hand-written CORS headers and let the framework's CORS layer answer, listing every allowed origin",
                ex.request.kind,
            )
        ]
    return []


def _is_origin(value: str) -> bool:
    try:
        return parse_origin(value).serialize() == value
    except CorsDoctorError:
        return False


def _credential_findings(verdict: Verdict, framework: str, canary: Verdict | None) -> list[Finding]:
    out: list[Finding] = []
    for ex, r in _responses(verdict):
        if [v.strip() for v in _acao(r)] == ["*"] and header_get(
            r.headers, "Access-Control-Allow-Credentials"
        ) == "true":
            cause = advice.WILDCARD_CAUSE.get(framework)
            out.append(
                finding(
                    Code.WILDCARD_WITH_CREDENTIALS_CONFIGURED,
                    "a reply carries Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true: "
                    "the configuration allows every origin and credentials at once"
                    + (f" (typically {cause})" if cause else ""),
                    "list the origins that may call with credentials; do not echo the request's Origin instead",
                    ex.request.kind,
                )
            )
            break
    if canary is None and _allows_own_origin_with_credentials(verdict):
        out.append(
            finding(
                Code.ORIGIN_ECHO_UNPROBED,
                f"the reply allows {verdict.plan.origin} with credentials; an allow-list and a server that echoes every "
                "origin answer this request the same, and only one more request from a foreign origin tells them apart",
                "rerun with --probe-reflection (one request from an origin nobody allows), or run `cors-doctor audit` "
                "on the URL",
                "security",
            )
        )
    if canary is not None and reflects_with_credentials(canary):
        out.append(
            finding(
                Code.CREDENTIALED_ORIGIN_REFLECTION,
                f"the server answered a request from {CANARY_ORIGIN}, an origin nobody allows, with "
                f"Access-Control-Allow-Origin: {CANARY_ORIGIN} and Access-Control-Allow-Credentials: true: any web site "
                f"can read its responses with the user's cookies (typically {advice.REFLECTION_CAUSE.get(framework, 'an origin echoed without an allow-list')})",
                "replace the rule that echoes the Origin with an explicit list of allowed origins",
                "security",
            )
        )
    return out


def _allows_own_origin_with_credentials(verdict: Verdict) -> bool:
    origin = verdict.plan.origin
    if origin == "null" or verdict.plan.same_origin:
        return False
    return any(
        [v.strip() for v in _acao(r)] == [origin]
        and header_get(r.headers, "Access-Control-Allow-Credentials") == "true"
        for _, r in _responses(verdict)
    )


def reflects_with_credentials(canary: Verdict) -> bool:
    """True when a reply to the canary origin allowed it, with credentials."""
    for _, r in _responses(canary):
        if [v.strip() for v in _acao(r)] == [CANARY_ORIGIN] and header_get(
            r.headers, "Access-Control-Allow-Credentials"
        ) == "true":
            return True
    return False


def detect(verdict: Verdict, framework: str, canary: Verdict | None = None) -> tuple[Finding, ...]:
    """Every pitfall these replies show, worded for `framework`."""
    if verdict.plan.same_origin:
        return ()
    return tuple(
        _preflight_findings(verdict, framework)
        + _error_findings(verdict, framework)
        + _duplicate_findings(verdict, framework)
        + _lost_in_proxy_findings(verdict)
        + _fixed_origin_findings(verdict, framework, canary)
        + _credential_findings(verdict, framework, canary)
    )


def with_pitfalls(verdict: Verdict, framework: str, canary: Verdict | None = None) -> Verdict:
    """The verdict with the pitfall findings added (sorted by severity like the others)."""
    extra = [
        f
        for f in detect(verdict, framework, canary)
        if (f.code, f.message) not in {(g.code, g.message) for g in verdict.findings}
    ]
    if not extra:
        return verdict
    findings = sorted((*verdict.findings, *extra), key=lambda f: _SEVERITY_ORDER[f.severity])
    return dataclasses.replace(verdict, findings=tuple(findings))
