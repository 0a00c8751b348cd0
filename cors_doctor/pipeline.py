"""The one check pipeline: request spec in, verdict with its diagnosis and fix out.

Every way of asking "would the browser allow this?" that talks to a server goes through here:
`check`, `demo`, `explain --run`, `har --live`, `ci`, and the Python API, over the network or
to an application in this process (`run_check_in_process`). The steps are always
the same, so no command can drift from another:

1. plan what the browser sends (`plan.build_plan`), refusing what the user did not allow;
2. drive the `evaluate.Simulation` with a sender from the network layer, request by request;
3. only when asked, one more safe request from an origin nobody trusts (`probe_reflection`);
4. diagnose: pitfall findings, the framework that answered, and the fix (`diagnosis.diagnose`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cors_doctor.diagnosis import Diagnosis, diagnose, echoes_origin_with_credentials
from cors_doctor.diagnosis.pitfalls import CANARY_ORIGIN
from cors_doctor.errors import CorsDoctorError, RejectedReply, UsageError
from cors_doctor.evaluate import Simulation
from cors_doctor.model import OutgoingRequest, Plan, RequestSpec, Response, Verdict
from cors_doctor.net import SendOptions, SyncSender
from cors_doctor.plan import build_plan, only_the_actual_request_tells
from cors_doctor.rules.redirects import MAX_REDIRECTS

if TYPE_CHECKING:
    from cors_doctor.net import Sender

MAX_REQUESTS = 2 * (MAX_REDIRECTS + 1)  # a preflight and an actual request for each of 21 hops


@dataclass(frozen=True)
class CheckOptions:
    """What the user allows a check to do, beyond what the browser itself decides.

    `actual`: the actual request may be sent even when its method can change data.
    `cookie`: the Cookie header the browser holds for the target (sent only with credentials).
    `framework`: the framework the fix is written for (None: guessed from the replies).
    `probe_reflection`: when a reply echoes the origin with credentials, ask once more from
    an origin nobody trusts, to tell an allow-list from reflection of every origin.
    `third_party_cookies`: allow, partition or block, when the browser's own setting is not the
    one to judge cookies by.
    """

    actual: bool = False
    cookie: str | None = None
    framework: str | None = None
    probe_reflection: bool = False
    third_party_cookies: str | None = None


def prepare(spec: RequestSpec, options: CheckOptions) -> Plan:
    """The browser's plan for `spec`, or a UsageError when the check would send what the user
    did not allow: the same rule for the CLI, policy files and the Python API."""
    if options.cookie is not None and any(ch in options.cookie for ch in "\r\n\x00"):
        raise UsageError("--cookie contains CR, LF or NUL; a Cookie header is one line")
    if options.third_party_cookies not in (None, "allow", "partition", "block"):
        raise UsageError(f"--third-party-cookies {options.third_party_cookies!r}: choose allow, partition or block")
    plan = build_plan(spec)
    if only_the_actual_request_tells(plan) and not options.actual:
        raise UsageError(
            f"a {plan.method} with these headers needs no preflight, so the only request a browser sends is the "
            f"{plan.method} itself; pass --actual to send it (it may change data on the server)"
        )
    return plan


def drive(plan: Plan, exchange: Callable[[OutgoingRequest], Response], options: CheckOptions) -> Verdict:
    """Feed the Simulation the replies `exchange` gets, until the browser is done."""
    sim = Simulation(plan, send_actual=options.actual, cookie=options.cookie)
    for _ in range(MAX_REQUESTS):
        request = sim.next_request()
        if request is None:
            return sim.verdict()
        _refuse_unsafe(request, options)
        try:
            response = exchange(request)
        except RejectedReply as exc:  # the browser's network error is the verdict
            sim.feed(None, exc.net_error)
            continue
        sim.feed(response)
    if sim.next_request() is not None:
        raise CorsDoctorError(f"the check did not finish within {MAX_REQUESTS} requests")
    return sim.verdict()


async def drive_async(
    plan: Plan, exchange: Callable[[OutgoingRequest], Awaitable[Response]], options: CheckOptions
) -> Verdict:
    """`drive` for an asynchronous sender."""
    sim = Simulation(plan, send_actual=options.actual, cookie=options.cookie)
    for _ in range(MAX_REQUESTS):
        request = sim.next_request()
        if request is None:
            return sim.verdict()
        _refuse_unsafe(request, options)
        try:
            response = await exchange(request)
        except RejectedReply as exc:  # the browser's network error is the verdict, as in drive()
            sim.feed(None, exc.net_error)
            continue
        sim.feed(response)
    if sim.next_request() is not None:
        raise CorsDoctorError(f"the check did not finish within {MAX_REQUESTS} requests")
    return sim.verdict()


def _refuse_unsafe(request: OutgoingRequest, options: CheckOptions) -> None:
    # A second guard beside the Simulation's own: a method that can change data never leaves
    # without the user's consent, whatever a redirect turned the request into.
    if request.kind == "actual" and request.method.upper() not in ("GET", "HEAD") and not options.actual:
        raise CorsDoctorError(f"refusing to send {request.method} {request.url} without --actual")


def _canary_spec(verdict: Verdict, options: CheckOptions) -> tuple[Plan, CheckOptions] | None:
    """The reflection probe: the same request from CANARY_ORIGIN, without cookies and without
    the actual request unless it is a GET/HEAD; None when the replies cannot be reflection."""
    if not options.probe_reflection or not echoes_origin_with_credentials(verdict):
        return None
    spec = dataclasses.replace(verdict.plan.spec, origin=CANARY_ORIGIN)
    return build_plan(spec), CheckOptions()


def run_check(
    spec: RequestSpec, send: SendOptions = SendOptions(), options: CheckOptions = CheckOptions()
) -> Diagnosis:
    """Check `spec` against the live server and diagnose the verdict."""
    plan = prepare(spec, options)
    with SyncSender(send) as sender:
        return run_plan(plan, sender.exchange, options)


def run_plan(plan: Plan, exchange: Callable[[OutgoingRequest], Response], options: CheckOptions) -> Diagnosis:
    """The pipeline from a built plan over any synchronous `exchange` (a socket, an application
    in this process)."""
    verdict = drive(plan, exchange, options)
    canary = None
    second = _canary_spec(verdict, options)
    if second is not None:
        try:
            canary = drive(second[0], exchange, second[1])
        except CorsDoctorError:
            canary = None
    return diagnose(
        verdict, options.framework, canary, cookie=options.cookie, third_party_cookies=options.third_party_cookies
    )


async def run_check_async(
    spec: RequestSpec, sender: Sender, send: SendOptions = SendOptions(), options: CheckOptions = CheckOptions()
) -> Diagnosis:
    """`run_check` on a shared asynchronous sender (batch runs, async callers)."""
    plan = prepare(spec, options)
    return await run_plan_async(plan, sender, send, options)


async def run_plan_async(plan: Plan, sender: Sender, send: SendOptions, options: CheckOptions) -> Diagnosis:
    """The pipeline from an already built plan (batch runs build and validate plans up front)."""

    async def exchange(request: OutgoingRequest) -> Response:
        return await sender.exchange(request, send.timeout)

    verdict = await drive_async(plan, exchange, options)
    canary = None
    second = _canary_spec(verdict, options)
    if second is not None:
        try:
            canary = await drive_async(second[0], exchange, second[1])
        except CorsDoctorError:
            canary = None
    return diagnose(
        verdict, options.framework, canary, cookie=options.cookie, third_party_cookies=options.third_party_cookies
    )


def run_check_in_process(
    spec: RequestSpec, app: Any, timeout: float = 10.0, options: CheckOptions = CheckOptions()
) -> Diagnosis:
    """Check `spec` against an ASGI or WSGI application in this process (nothing is served).

    A WSGI application is called in this thread. An ASGI application runs in a fresh event loop
    here, or, when this thread already runs one, in a worker thread: the caller's loop is never
    re-entered. Async callers use `run_check_async` with an `AsgiSender` instead.
    """
    plan = prepare(spec, options)
    from cors_doctor.net import AsgiSender, WsgiSender, is_asgi

    if not is_asgi(app):
        sender = WsgiSender(app)
        return run_plan(plan, lambda request: sender.exchange(request, timeout), options)

    async def main() -> Diagnosis:
        return await run_plan_async(plan, AsgiSender(app), SendOptions(timeout=timeout, trust_env=False), options)

    import anyio
    import sniffio

    try:
        sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return anyio.run(main)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cors-doctor") as pool:
        return pool.submit(anyio.run, main).result()
