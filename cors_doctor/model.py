"""The data that flows through cors-doctor: request spec, plan, wire messages, findings, verdict.

Header lists are tuples of (name, value) pairs in wire order, names as received: CORS rules
care about duplicated lines and exact bytes, so nothing is merged or case-folded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Headers = tuple[tuple[str, str], ...]
Severity = Literal["error", "warning", "info"]
Browser = Literal["chrome", "firefox", "safari"]
Mode = Literal["cors", "no-cors"]
# Who makes the request: fetch(), XMLHttpRequest, or XMLHttpRequest with an xhr.upload listener
# (which sets the use-CORS-preflight flag whenever there is a body).
Client = Literal["fetch", "xhr", "xhr-upload"]
BROWSERS: tuple[Browser, ...] = ("chrome", "firefox", "safari")


def header_values(headers: Headers, name: str) -> list[str]:
    """All values of `name` (case-insensitive), one per line, in order."""
    lname = name.lower()
    return [v for n, v in headers if n.lower() == lname]


def header_get(headers: Headers, name: str) -> str | None:
    """Fetch's "get": the values of all lines joined with ", ", or None when absent."""
    values = header_values(headers, name)
    return ", ".join(values) if values else None


@dataclass(frozen=True)
class RequestSpec:
    """What page script asks for: `fetch(url, {method, headers, body, credentials, mode})` from
    `origin`, or the same through XMLHttpRequest (`client`)."""

    url: str
    origin: str
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    body: str | None = None
    browser: Browser = "chrome"
    mode: Mode = "cors"
    client: Client = "fetch"


@dataclass(frozen=True)
class OutgoingRequest:
    """One request the browser puts on the wire."""

    kind: Literal["preflight", "actual"]
    method: str
    url: str
    headers: Headers
    body: str | None = None
    with_credentials: bool = False


@dataclass(frozen=True)
class Response:
    """What came back for one request (the body only as a capped excerpt)."""

    status: int
    headers: Headers = ()
    reason: str = ""
    body_excerpt: str = ""
    http_version: str = "HTTP/1.1"


@dataclass(frozen=True)
class Exchange:
    """One request and its reply, or the network error that replaced the reply."""

    request: OutgoingRequest
    response: Response | None = None
    network_error: str | None = None


@dataclass(frozen=True)
class Finding:
    """One observation with a stable code, tied to the rule that produced it."""

    code: str
    severity: Severity
    title: str
    message: str
    fix: str = ""
    rule: str = ""
    step: str = ""

    @property
    def docs(self) -> str:
        from cors_doctor.links import rule_url

        return rule_url(self.code)

    def to_dict(self) -> dict[str, str]:
        """The finding as plain data (the `findings` entries of every JSON output)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "fix": self.fix,
            "rule": self.rule,
            "step": self.step,
            "docs": self.docs,
        }


@dataclass(frozen=True)
class Step:
    """One check the browser makes, as shown to the user."""

    name: str
    passed: bool | None  # None: not run / informational
    detail: str = ""
    seen: str = ""


@dataclass(frozen=True)
class Plan:
    """What the browser will do with a RequestSpec before anything is sent."""

    spec: RequestSpec
    origin: str
    url: str
    method: str
    headers: Headers
    dropped_headers: tuple[str, ...]
    preflight_required: bool
    preflight_reasons: tuple[str, ...]
    unsafe_header_names: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    same_origin: bool = False
    mixed_content: bool = False  # an https page calling http: blocked before anything is sent
    preflight_forced: bool = False  # an xhr.upload listener: preflighted whatever the method and headers


@dataclass(frozen=True)
class Verdict:
    """The browser's decision, how it got there, and what to change."""

    allowed: bool
    plan: Plan
    exchanges: tuple[Exchange, ...]
    steps: tuple[Step, ...]
    findings: tuple[Finding, ...]
    browser_message: str | None
    exposed_headers: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    preflight_passed: bool | None = None
    actual_sent: bool = False

    @property
    def preflight(self) -> Exchange | None:
        for ex in self.exchanges:
            if ex.request.kind == "preflight":
                return ex
        return None

    @property
    def actual_hops(self) -> tuple[Exchange, ...]:
        return tuple(ex for ex in self.exchanges if ex.request.kind == "actual")

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")
