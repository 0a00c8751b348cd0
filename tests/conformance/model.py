"""Declarative description of a conformance case: what page script asks for, how the server answers.

A case is data only. The loopback server (server.py) serves it, Chromium (chromium.py) and the
cors-doctor CLI (cli.py) both run it, and the results are compared field by field.

Server side, a case owns every path under /c/<case-id>/ on all three origins. Each path segment
after that ("r" for the entry point, anything else for redirect targets) is a Route with two
scripted replies: one for CORS preflights (OPTIONS carrying Access-Control-Request-Method) and one
for everything else (the actual request, whatever its method — so a script-issued OPTIONS gets the
actual reply). Header lines are raw text written byte for byte, with placeholders from origins.py
({page}, {api}, {third}, {case}, ...), so duplicated lines, odd casing, stray whitespace and
invalid tokens reach the client exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ACAO_PAGE = "Access-Control-Allow-Origin: {page}"
ACAO_ANY = "Access-Control-Allow-Origin: *"
ACAC_TRUE = "Access-Control-Allow-Credentials: true"


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP response: status, raw header lines, body (None = a default body).

    The server adds only framing: Content-Length (not for 1xx/204/304) and Connection: close.
    """

    status: int = 200
    headers: tuple[str, ...] = ()
    body: str | None = None


@dataclass(frozen=True)
class Route:
    """Replies for one path of a case. preflight=None answers a preflight with a bare 405."""

    actual: Reply
    preflight: Reply | None = None


@dataclass(frozen=True, eq=False)
class Case:
    """One cross-origin fetch() from {page} to {api}/c/<id>/r and the server's scripted behaviour."""

    id: str
    title: str
    routes: dict[str, Route]
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    body: str | None = None
    group: str = ""

    @property
    def entry_path(self) -> str:
        return f"/c/{self.id}/r"

    def request_summary(self) -> str:
        """Human-readable one-liner of the request, for reports."""
        parts = [self.method]
        parts += [f"{n}: {v}" for n, v in self.headers]
        if self.credentials:
            parts.append("credentials: include")
        if self.body is not None:
            parts.append(f"body {self.body!r}")
        return ", ".join(parts)


def headers(*pairs: str) -> tuple[tuple[str, str], ...]:
    """Request headers from 'Name: value' strings (split at the first colon, value stripped)."""
    out = []
    for pair in pairs:
        name, _, value = pair.partition(":")
        out.append((name, value.strip()))
    return tuple(out)


def allow_all(method: str, names: str = "", credentials: bool = False) -> tuple[str, ...]:
    """A preflight reply that allows exactly `method` and the header names in `names`."""
    lines = [ACAO_PAGE, f"Access-Control-Allow-Methods: {method}"]
    if names:
        lines.append(f"Access-Control-Allow-Headers: {names}")
    if credentials:
        lines.append(ACAC_TRUE)
    return tuple(lines)


def simple(
    case_id: str,
    title: str,
    actual: tuple[str, ...] = (ACAO_PAGE,),
    status: int = 200,
    preflight: tuple[str, ...] | None = None,
    preflight_status: int = 204,
    **request,
) -> Case:
    """A case with a single route "r". `preflight` (header lines) is used if a preflight comes."""
    pf = None if preflight is None else Reply(preflight_status, tuple(preflight))
    return Case(
        id=case_id,
        title=title,
        routes={"r": Route(actual=Reply(status, tuple(actual)), preflight=pf)},
        **request,
    )


def grouped(group: str, cases: list[Case]) -> list[Case]:
    """Stamp a group name on cases (used in reports and docs)."""
    return [replace(c, group=group) for c in cases]


@dataclass
class CaseList:
    """Accumulates cases with unique ids."""

    cases: list[Case] = field(default_factory=list)

    def extend(self, more: list[Case]) -> None:
        seen = {c.id for c in self.cases}
        for case in more:
            if case.id in seen:
                raise ValueError(f"duplicate case id {case.id}")
            if not case.id.replace("-", "").isalnum():
                raise ValueError(f"case id must be [a-z0-9-]: {case.id}")
            seen.add(case.id)
            self.cases.append(case)
