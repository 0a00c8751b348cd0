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


CLIENTS = ("fetch", "xhr")
MODES = ("cors", "no-cors")


@dataclass(frozen=True)
class Request:
    """What page script asks for in one call: fetch(url, init) or an XMLHttpRequest.

    client  "fetch" or "xhr" (XMLHttpRequest; credentials = withCredentials)
    mode    fetch()'s mode: "cors" or "no-cors" (fetch only)
    keepalive        fetch()'s keepalive flag
    upload_listener  an xhr.upload progress listener is registered before send()
    """

    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    body: str | None = None
    client: str = "fetch"
    mode: str = "cors"
    keepalive: bool = False
    upload_listener: bool = False

    def __post_init__(self) -> None:
        if self.client not in CLIENTS or self.mode not in MODES:
            raise ValueError(f"unknown client {self.client!r} or mode {self.mode!r}")
        if self.client == "xhr" and (self.mode != "cors" or self.keepalive):
            raise ValueError("mode and keepalive are fetch() options")
        if self.upload_listener and self.client != "xhr":
            raise ValueError("upload_listener is an XMLHttpRequest option")

    def summary(self) -> str:
        """Human-readable one-liner of the request, for reports."""
        parts = [self.method] if self.client == "fetch" else [f"XMLHttpRequest {self.method}"]
        parts += [f"{n}: {v}" for n, v in self.headers]
        if self.credentials:
            parts.append("credentials: include" if self.client == "fetch" else "withCredentials")
        if self.body is not None:
            parts.append(f"body {self.body!r}")
        if self.mode != "cors":
            parts.append(f"mode: {self.mode}")
        if self.keepalive:
            parts.append("keepalive")
        if self.upload_listener:
            parts.append("upload listener")
        return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class Case:
    """One cross-origin request from {page} to {api}/c/<id>/r and the server's scripted behaviour.

    The request is described by the fields shared with `Request`; `then` lists further requests
    the page makes to the same URL afterwards, one after another (preflight cache hits). `wpt`
    names the web-platform-tests file and test title a case was ported from.
    """

    id: str
    title: str
    routes: dict[str, Route]
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    body: str | None = None
    group: str = ""
    client: str = "fetch"
    mode: str = "cors"
    keepalive: bool = False
    upload_listener: bool = False
    then: tuple[Request, ...] = ()
    wpt: str = ""

    def __post_init__(self) -> None:
        self.first  # noqa: B018 - the property validates client, mode and their combination

    @property
    def entry_path(self) -> str:
        return f"/c/{self.id}/r"

    @property
    def first(self) -> Request:
        return Request(
            self.method,
            tuple(self.headers),
            self.credentials,
            self.body,
            self.client,
            self.mode,
            self.keepalive,
            self.upload_listener,
        )

    def requests(self) -> list[Request]:
        """Every request the page makes, in order."""
        return [self.first, *self.then]

    def request_summary(self) -> str:
        """Human-readable one-liner of the request(s), for reports."""
        text = self.first.summary()
        for request in self.then:
            text += f"; then {request.summary()}"
        return text


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
