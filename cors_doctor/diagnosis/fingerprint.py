"""Who answered? Guess the server framework from the recorded replies (pure).

Each reply is read for clues (Server / X-Powered-By headers, framework error bodies, the
shape of preflight replies); every clue has a weight and a sentence of evidence. Clues from the
application (error bodies, X-Powered-By) weigh more than a Server header, which a proxy in
front may have written. With no clue at all the guess is FastAPI, and says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cors_doctor.fixes import FRAMEWORKS, TITLES
from cors_doctor.model import Exchange, Response, Verdict, header_get, header_values

DEFAULT_FRAMEWORK = "fastapi"
PROXIES = ("nginx", "apache", "caddy")
_EXPRESS_CANNOT = re.compile(r"Cannot (OPTIONS|GET|HEAD|POST|PUT|PATCH|DELETE) /[^<\s]{0,80}")
_RS_CORS_VARY = frozenset({"origin", "access-control-request-method", "access-control-request-headers"})


@dataclass(frozen=True)
class FrameworkGuess:
    """The framework the fix is written for, whether it was guessed, and why."""

    name: str
    guessed: bool
    evidence: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return TITLES[self.name]


@dataclass(frozen=True)
class _Clue:
    framework: str
    weight: int
    evidence: str


def _vary(response: Response) -> set[str]:
    return {v.strip().lower() for line in header_values(response.headers, "Vary") for v in line.split(",") if v.strip()}


# (header, lower-case value prefixes, framework, weight, what the value means); first match per header.
_HEADER_CLUES = (
    ("Server", ("uvicorn", "hypercorn"), "fastapi", 5, " (the ASGI server FastAPI/Starlette apps run on)"),
    ("Server", ("werkzeug",), "flask", 6, " (Flask's development server)"),
    ("Server", ("wsgiserver",), "django", 5, " (Django's runserver)"),
    ("Server", ("nginx",), "nginx", 3, ""),
    ("Server", ("apache",), "apache", 3, ""),
    ("Server", ("caddy",), "caddy", 3, ""),
    ("Server", ("kestrel", "microsoft-iis"), "aspnet", 6, ""),
    ("X-Powered-By", ("express",), "express", 8, ""),
    ("X-Powered-By", ("asp.net",), "aspnet", 6, ""),
)


def _server_clues(response: Response) -> Iterator[_Clue]:
    for header in ("Server", "X-Powered-By"):
        value = (header_get(response.headers, header) or "").strip()
        for name, prefixes, framework, weight, meaning in _HEADER_CLUES:
            if name == header and value.lower().startswith(prefixes):
                yield _Clue(framework, weight, f"{header}: {value}{meaning}")
                break


def _fastapi_detail(body: str) -> bool:
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and set(data) == {"detail"}


def _body_clues(ex: Exchange, response: Response) -> Iterator[_Clue]:
    body = response.body_excerpt.strip()
    status = response.status
    first = body.splitlines()[0][:80] if body else ""
    if status == 400 and body.startswith("Disallowed CORS "):
        yield _Clue("fastapi", 10, f"the preflight was answered {status} {first!r} (Starlette's CORSMiddleware)")
    elif "Invalid CORS request" in body:
        yield _Clue("spring", 10, f"{status} {first!r} (Spring's DefaultCorsProcessor)")
    elif _fastapi_detail(body):
        yield _Clue("fastapi", 6, f"{status} with the JSON body {first!r} (FastAPI's error format)")
    elif (match := _EXPRESS_CANNOT.search(body)) is not None:
        yield _Clue("express", 8, f"{status} {match.group(0)!r} (Express's default 404 page)")
    elif "<center>nginx" in body:
        yield _Clue("nginx", 8, f"{status} with nginx's own error page")
    elif "<address>Apache" in body:
        yield _Clue("apache", 8, f"{status} with Apache's own error page")
    elif "Whitelabel Error Page" in body or all(f'"{k}"' in body for k in ("timestamp", "status", "error", "path")):
        yield _Clue("spring", 6, f"{status} with Spring Boot's error body")
    elif (
        "The requested URL was not found on the server" in body
        or "The method is not allowed for the requested URL" in body
    ):
        yield _Clue("flask", 6, f"{status} with Werkzeug's error page (Flask)")
    elif "Using the URLconf defined in" in body or "CSRF verification failed" in body:
        yield _Clue("django", 8, f"{status} with Django's error page")
    elif body == "404 page not found":
        yield _Clue("go", 6, f"{status} '404 page not found' (Go's net/http)")
    elif ex.request.kind == "preflight" and status == 200 and body == "OK" and "origin" in _vary(response):
        yield _Clue("fastapi", 6, "the preflight was answered 200 'OK' with Vary: Origin (Starlette's CORSMiddleware)")


def _preflight_shape_clues(ex: Exchange, response: Response) -> Iterator[_Clue]:
    if ex.request.kind != "preflight":
        return
    h = response.headers
    has_acao = header_get(h, "Access-Control-Allow-Origin") is not None
    vary_lines = header_values(h, "Vary")
    if response.status == 204 and not has_acao and _vary(response) == _RS_CORS_VARY and not header_get(h, "Server"):
        yield _Clue(
            "go",
            6,
            "the preflight was answered 204 with only Vary: Origin, Access-Control-Request-Method, "
            "Access-Control-Request-Headers (rs/cors refusing it)",
        )
    if response.status == 204 and any(v.strip() == "Origin, Access-Control-Request-Headers" for v in vary_lines):
        yield _Clue(
            "express",
            4,
            "the preflight was answered 204 with Vary: Origin, Access-Control-Request-Headers (the cors package)",
        )
    if response.status == 200 and header_get(h, "Content-Length") == "0" and any("origin" in v for v in vary_lines):
        yield _Clue(
            "django", 4, "the preflight was answered 200 with an empty body and Vary: origin (django-cors-headers)"
        )
    lowered = {n.lower() for n, _ in h}
    if {"x-frame-options", "cross-origin-opener-policy", "referrer-policy"} <= lowered and (
        header_get(h, "X-Frame-Options") or ""
    ).upper() == "DENY":
        yield _Clue(
            "django",
            3,
            "X-Frame-Options: DENY with Cross-Origin-Opener-Policy and Referrer-Policy "
            "(Django's SecurityMiddleware defaults)",
        )


def _clues(verdict: Verdict) -> list[_Clue]:
    clues: list[_Clue] = []
    for ex in verdict.exchanges:
        if ex.response is None:
            continue
        clues += _server_clues(ex.response)
        clues += _body_clues(ex, ex.response)
        clues += _preflight_shape_clues(ex, ex.response)
    return clues


def guess_framework(verdict: Verdict) -> FrameworkGuess:
    """The most likely framework and the evidence for it; FastAPI when nothing points anywhere."""
    clues = _clues(verdict)
    if not clues:
        return FrameworkGuess(
            DEFAULT_FRAMEWORK,
            True,
            (
                "nothing in the replies points to a framework, so the fix is shown for FastAPI "
                "(pass --framework NAME for another)",
            ),
        )
    scores = {name: sum(c.weight for c in clues if c.framework == name) for name in FRAMEWORKS}
    best = max(FRAMEWORKS, key=lambda name: (scores[name], -FRAMEWORKS.index(name)))
    evidence = list(dict.fromkeys(c.evidence for c in clues if c.framework == best))
    if best not in PROXIES:
        for proxy in PROXIES:
            proxy_evidence = [c.evidence for c in clues if c.framework == proxy]
            if proxy_evidence:
                evidence.append(
                    f"{proxy_evidence[0]}: a proxy in front of the application "
                    f"(--framework {proxy} gives the proxy's configuration)"
                )
                break
    return FrameworkGuess(best, True, tuple(evidence))


def identify(verdict: Verdict, chosen: str | None = None) -> FrameworkGuess:
    """The framework to write the fix for: the user's choice, else the guess."""
    if chosen:
        return FrameworkGuess(chosen, False, (f"chosen with --framework {chosen}",))
    return guess_framework(verdict)
