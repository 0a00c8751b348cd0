"""Server-side fixes: what the server must allow for this request, as each framework spells it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from cors_doctor.model import Verdict

FRAMEWORKS = ("fastapi",)
_INFRASTRUCTURE_HEADERS = frozenset(
    {"date", "server", "connection", "keep-alive", "transfer-encoding", "vary", "content-encoding",
     "etag", "age", "via", "alt-svc", "strict-transport-security", "x-powered-by", "allow"}
)


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


@dataclass(frozen=True)
class FixSuggestion:
    framework: str
    title: str
    language: str
    snippet: str
    notes: tuple[str, ...] = ()


def needs_from_verdict(verdict: Verdict) -> CorsNeeds:
    plan = verdict.plan
    codes = {f.code for f in verdict.findings}
    methods = ("GET",) if plan.method in ("GET", "HEAD") else tuple(dict.fromkeys(("GET", plan.method)))
    unsafe = set(plan.unsafe_header_names)
    headers = tuple(name for name, _ in plan.headers if name.lower() in unsafe)
    hidden: tuple[str, ...] = ()
    for f in verdict.findings:
        if f.code == "CD501":
            hidden = tuple(
                h for h in f.message.split(": ", 1)[-1].split(", ")
                if h and h not in _INFRASTRUCTURE_HEADERS and not h.startswith("access-control-")
            )
    return CorsNeeds(
        origin=plan.origin,
        methods=methods,
        headers=headers,
        credentials=plan.spec.credentials,
        expose=hidden,
        errors_lack_cors="CD308" in codes,
        preflight_not_ok="CD202" in codes,
        preflight_redirected="CD201" in codes,
        duplicate_allow_origin="CD302" in codes,
    )


def suggest(verdict: Verdict, framework: str = "fastapi") -> FixSuggestion | None:
    """The configuration change for `framework`, or None when nothing needs changing."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}")
    if verdict.allowed and not any(f.severity != "info" for f in verdict.findings if f.code.startswith(("CD2", "CD3", "CD5"))):
        return None
    module = importlib.import_module(f"cors_doctor.fixes.{framework}")
    return module.render(needs_from_verdict(verdict))
