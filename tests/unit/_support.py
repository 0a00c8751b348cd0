"""Helpers for driving the pure core: build a plan, feed scripted replies, read the verdict."""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.evaluate import Simulation
from cors_doctor.model import OutgoingRequest, Plan, RequestSpec, Response, Verdict, header_get
from cors_doctor.plan import build_plan

PAGE = "https://app.example"
API = "https://api.example/v1/items"
API_ORIGIN = "https://api.example"
THIRD = "https://cdn.example.net"

CHROME_HEAD = f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: "
CHROME_PREFLIGHT = "Response to preflight request doesn't pass access control check: "
NO_ACAO = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
VALID_VALUE = " Have the server send the header with a valid value."


def make_plan(
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
    *,
    url: str = API,
    origin: str = PAGE,
    credentials: bool = False,
    body: str | None = None,
    browser: str = "chrome",
) -> Plan:
    return build_plan(RequestSpec(url, origin, method, tuple(headers), credentials, body, browser))  # type: ignore[arg-type]


def reply(status: int = 200, *headers: tuple[str, str], body: str = "") -> Response:
    return Response(status=status, headers=tuple(headers), body_excerpt=body)


def acao(value: str = PAGE) -> tuple[str, str]:
    return ("Access-Control-Allow-Origin", value)


def acam(value: str) -> tuple[str, str]:
    return ("Access-Control-Allow-Methods", value)


def acah(value: str) -> tuple[str, str]:
    return ("Access-Control-Allow-Headers", value)


ACAC_TRUE = ("Access-Control-Allow-Credentials", "true")


@dataclass
class Run:
    """A finished simulation: what was sent, and the verdict."""

    sent: list[OutgoingRequest]
    verdict: Verdict

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.verdict.findings]

    @property
    def error_codes(self) -> list[str]:
        return [f.code for f in self.verdict.errors]

    @property
    def message(self) -> str | None:
        return self.verdict.browser_message

    def finding(self, code: str):
        matches = [f for f in self.verdict.findings if f.code == code]
        assert matches, f"no {code} in {self.codes}"
        return matches[0]


def simulate(plan: Plan, *replies: Response, send_actual: bool = True, cookie: str | None = None) -> Run:
    """Feed `replies` in order; fail if the browser asks for more or fewer requests."""
    sim = Simulation(plan, send_actual=send_actual, cookie=cookie)
    sent: list[OutgoingRequest] = []
    for index, response in enumerate(replies):
        request = sim.next_request()
        assert request is not None, f"the browser stopped after {index} request(s), {len(replies)} replies were given"
        sent.append(request)
        sim.feed(response)
    extra = sim.next_request()
    assert extra is None, f"the browser wants another request: {extra.kind} {extra.method} {extra.url}"
    return Run(sent, sim.verdict())


def first_request(plan: Plan, *, send_actual: bool = True, cookie: str | None = None) -> OutgoingRequest:
    request = Simulation(plan, send_actual=send_actual, cookie=cookie).next_request()
    assert request is not None
    return request


def get(request: OutgoingRequest, name: str) -> str | None:
    return header_get(request.headers, name)


def names(request: OutgoingRequest) -> set[str]:
    return {n.lower() for n, _ in request.headers}
