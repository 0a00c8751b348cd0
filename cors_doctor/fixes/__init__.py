"""Server-side fixes: what the server must allow for this request, as each framework spells it.

`needs_from_verdict` reads the verdict once into `CorsNeeds` (origins, methods, headers,
credentials, and which pitfall was seen); one module per framework turns that into text. Every
suggestion names origins explicitly: never `*` with credentials, never "echo whatever Origin came".
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from cors_doctor.model import Headers, Verdict, header_values
from cors_doctor.rules.codes import Code
from cors_doctor.rules.exposure import hidden_header_names

FRAMEWORKS = ("fastapi", "flask", "django", "express", "nginx", "apache", "caddy", "spring", "aspnet", "go")
TITLES = {
    "fastapi": "FastAPI / Starlette (CORSMiddleware)",
    "flask": "Flask (flask-cors)",
    "django": "Django (django-cors-headers)",
    "express": "Express (the cors package)",
    "nginx": "nginx",
    "apache": "Apache httpd (mod_headers)",
    "caddy": "Caddy",
    "spring": "Spring Boot",
    "aspnet": "ASP.NET Core",
    "go": "Go (rs/cors)",
}
_MODULES = {name: name for name in FRAMEWORKS} | {"go": "go_rs_cors"}
_ALIASES = {
    "starlette": "fastapi",
    "flask-cors": "flask",
    "django-cors-headers": "django",
    "expressjs": "express",
    "node": "express",
    "httpd": "apache",
    "apache2": "apache",
    "spring-boot": "spring",
    "springboot": "spring",
    "aspnetcore": "aspnet",
    "asp.net": "aspnet",
    "dotnet": "aspnet",
    "golang": "go",
    "rs/cors": "go",
    "rs-cors": "go",
}
# Findings that call for a configuration change even when the browser allowed the request.
_CHANGE_PREFIXES = ("CD2", "CD3", "CD5", "CD6")


def resolve_framework(name: str) -> str | None:
    """The canonical framework name for a user's spelling (`Starlette`, `rs/cors` ...), or None."""
    key = name.strip().lower()
    return key if key in FRAMEWORKS else _ALIASES.get(key)


@dataclass(frozen=True)
class CorsNeeds:
    """What the server's CORS configuration must allow so this request passes."""

    origin: str
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    credentials: bool
    expose: tuple[str, ...]
    errors_lack_cors: bool
    preflight_not_ok: bool
    preflight_redirected: bool
    duplicate_allow_origin: bool
    origins: tuple[str, ...] = ()
    path: str = "/"
    preflight_status: int | None = None
    preflight_routed: bool = False
    auth_on_preflight: bool = False
    reflects_origins: bool = False
    wildcard_with_credentials: bool = False
    hard_coded_origin: bool = False

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The origins to list: the page's first, then the ones the server already allows."""
        return self.origins or (self.origin,)


@dataclass(frozen=True)
class FixPart:
    """One piece of configuration and where it goes (`where` is a stable key, `placement` prose)."""

    where: str
    placement: str
    text: str


@dataclass(frozen=True)
class FixSuggestion:
    framework: str
    title: str
    language: str
    snippet: str
    notes: tuple[str, ...] = ()
    parts: tuple[FixPart, ...] = ()


_COMMENT = {
    "python": "#",
    "nginx": "#",
    "apache": "#",
    "caddyfile": "#",
    "javascript": "//",
    "java": "//",
    "csharp": "//",
    "go": "//",
}


def make_suggestion(framework: str, language: str, parts: list[FixPart], notes: list[str]) -> FixSuggestion:
    """Assemble a suggestion; with several parts the snippet labels each with a comment line."""
    if len(parts) == 1:
        snippet = parts[0].text
    else:
        mark = _COMMENT.get(language, "#")
        snippet = "\n\n".join(f"{mark} --- {p.placement} ---\n{p.text}" for p in parts)
    return FixSuggestion(framework, TITLES[framework], language, snippet, tuple(notes), tuple(parts))


def literal_list(items: Iterable[str], start: str = "[", end: str = "]") -> str:
    """`items` as double-quoted literals between `start` and `end`: JSON strings are valid string
    literals in Python, Java, C# and Go, escapes included."""
    return start + ", ".join(json.dumps(item) for item in items) + end


def _all_responses(verdict: Verdict) -> list:
    return [ex.response for ex in verdict.exchanges if ex.response is not None]


def _known_origins(verdict: Verdict, origin: str) -> tuple[str, ...]:
    """Origins the server already names in Access-Control-Allow-Origin (keep them allowed)."""
    from cors_doctor.errors import CorsDoctorError
    from cors_doctor.origin import parse_origin

    seen: list[str] = []
    for response in _all_responses(verdict):
        for value in header_values(response.headers, "Access-Control-Allow-Origin"):
            value = value.strip()
            if value in ("*", "null", origin) or value in seen:
                continue
            try:
                if parse_origin(value).serialize() == value:
                    seen.append(value)
            except CorsDoctorError:
                continue
    return tuple(seen)


def _sends_credentials(headers: Headers) -> bool:
    return any(v.strip() == "true" for v in header_values(headers, "Access-Control-Allow-Credentials"))


def needs_from_verdict(verdict: Verdict) -> CorsNeeds:
    plan = verdict.plan
    codes = {f.code for f in verdict.findings}
    methods = ("GET",) if plan.method in ("GET", "HEAD") else tuple(dict.fromkeys(("GET", plan.method)))
    unsafe = set(plan.unsafe_header_names)
    headers = tuple(name for name, _ in plan.headers if name.lower() in unsafe)
    hidden: tuple[str, ...] = ()
    final = verdict.actual_hops[-1].response if verdict.actual_hops else None
    if Code.HEADER_NOT_EXPOSED in codes and final is not None:
        names = hidden_header_names(final.headers, plan.spec.credentials)
        hidden = tuple(h.title() if h.islower() else h for h in names)
    responses = _all_responses(verdict)
    pre = verdict.preflight
    pre_status = pre.response.status if pre is not None and pre.response is not None else None
    # A server that already allows credentials keeps them: dropping them would break its other callers.
    credentials = plan.spec.credentials or any(_sends_credentials(r.headers) for r in responses)
    return CorsNeeds(
        origin=plan.origin,
        methods=methods,
        headers=headers,
        credentials=credentials,
        expose=hidden,
        errors_lack_cors=bool(
            codes & {Code.ERROR_REPLY_WITHOUT_CORS, Code.ERROR_REPLY_OUTSIDE_CORS, Code.HEADER_RULE_SKIPS_ERRORS}
        ),
        preflight_not_ok=Code.PREFLIGHT_STATUS in codes or (pre_status is not None and not 200 <= pre_status <= 299),
        preflight_redirected=Code.PREFLIGHT_REDIRECT in codes,
        duplicate_allow_origin=bool(codes & {Code.MULTIPLE_ALLOW_ORIGIN, Code.CORS_HEADERS_ADDED_TWICE}),
        origins=(plan.origin, *_known_origins(verdict, plan.origin)),
        path=urlsplit(plan.url).path or "/",
        preflight_status=pre_status,
        preflight_routed=Code.PREFLIGHT_REACHED_ROUTER in codes,
        auth_on_preflight=Code.PREFLIGHT_REQUIRES_AUTHENTICATION in codes,
        reflects_origins=Code.CREDENTIALED_ORIGIN_REFLECTION in codes,
        wildcard_with_credentials=Code.WILDCARD_WITH_CREDENTIALS_CONFIGURED in codes
        or Code.WILDCARD_WITH_CREDENTIALS in codes,
        hard_coded_origin=Code.HARD_CODED_ALLOW_ORIGIN in codes,
    )


def _needs_change(verdict: Verdict) -> bool:
    if not verdict.allowed:
        return True
    return any(f.severity != "info" for f in verdict.findings if f.code.startswith(_CHANGE_PREFIXES))


def _security_notes(needs: CorsNeeds) -> list[str]:
    notes = []
    if needs.reflects_origins:
        notes.append(
            "Your server currently echoes any Origin with Access-Control-Allow-Credentials: true (CD607): every web "
            "site can read its responses with the user's cookies. This configuration lists the allowed origins "
            "instead; remove the rule that echoes the Origin."
        )
    if needs.wildcard_with_credentials:
        notes.append(
            "'*' cannot be combined with credentials, and echoing the request's Origin instead would allow every "
            "site: list the origins that may call with credentials, as here."
        )
    return notes


def suggest(verdict: Verdict, framework: str = "fastapi") -> FixSuggestion | None:
    """The configuration change for `framework`, or None when nothing needs changing."""
    name = resolve_framework(framework)
    if name is None:
        raise ValueError(f"unknown framework {framework!r}")
    plan = verdict.plan
    if plan.same_origin or plan.origin == "null" or not _needs_change(verdict):
        return None
    needs = needs_from_verdict(verdict)
    module = importlib.import_module(f"cors_doctor.fixes.{_MODULES[name]}")
    fix = module.render(needs)
    notes = (
        *_security_notes(needs),
        *fix.notes,
        "The lists hold what this request needs; add the other origins, methods and headers your front ends use.",
    )
    return FixSuggestion(fix.framework, fix.title, fix.language, fix.snippet, notes, fix.parts)
