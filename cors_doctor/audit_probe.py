"""`cors-doctor audit`, the sending part: many URLs at once on the shared batch client.

Crafted Origin values go out byte for byte (many are not valid origins on purpose). Only GET
and OPTIONS are ever sent. Redirects are not followed and no cookie jar is used: each probe
carries exactly the headers audit.plan_probes chose.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from cors_doctor._exceptions import CorsDoctorError, map_httpx_error
from cors_doctor.audit import AuditResult, AuditTarget, Probe, ProbeOutcome, plan_probes
from cors_doctor.audit_findings import analyse
from cors_doctor.model import Response

BODY_CAP = 16 * 1024  # enough for an error message such as Starlette's "Disallowed CORS origin"


def _response(resp, body: bytes) -> Response:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw)
    return Response(resp.status_code, headers, resp.reason_phrase, body.decode("utf-8", "replace")[:2048],
                    resp.http_version)


async def _exchange(client, httpx, probe: Probe) -> Response:
    # A bare httpx.Request carries only our headers: no client defaults, no cookies from the jar.
    request = httpx.Request(probe.method, probe.url, headers=list(probe.headers))
    response = await client.send(request, stream=True)
    try:
        body = bytearray()
        async for chunk in response.aiter_raw():
            body += chunk
            if len(body) >= BODY_CAP:
                break
        return _response(response, bytes(body[:BODY_CAP]))
    finally:
        await response.aclose()


async def send_probe(client, probe: Probe, timeout: float) -> ProbeOutcome:
    """One probe; a transport failure becomes the outcome's error instead of an exception."""
    from cors_doctor.probe import _import_httpx

    httpx = _import_httpx()
    try:
        # The client's timeout bounds each read; this bounds a server that drips bytes forever.
        response = await asyncio.wait_for(_exchange(client, httpx, probe), timeout * 2 + 1)
        return ProbeOutcome(probe, response)
    except asyncio.TimeoutError:
        return ProbeOutcome(probe, error=f"no complete reply from {probe.url} within {timeout * 2 + 1:g} s")
    except CorsDoctorError as exc:
        return ProbeOutcome(probe, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - every transport failure is recorded, never raised
        return ProbeOutcome(probe, error=str(map_httpx_error(exc, probe.url)))


async def audit_one(client, limit: asyncio.Semaphore, target: AuditTarget, timeout: float) -> AuditResult:
    """Baseline first: if the URL cannot be reached at all, stop there; else send the rest at once."""
    probes = plan_probes(target)

    async def run(probe: Probe) -> ProbeOutcome:
        async with limit:
            return await send_probe(client, probe, timeout)

    first = await run(probes[0])
    if first.response is None:
        return AuditResult(target.url, outcomes=(first,), error=first.error)
    rest = await asyncio.gather(*(run(p) for p in probes[1:]))
    return analyse(target, (first, *rest))


async def audit_async(
    targets: Sequence[AuditTarget],
    concurrency: int = 10,
    timeout: float = 10.0,
    verify: bool = True,
    cacert: str | None = None,
    on_result: Callable[[int, AuditResult], None] | None = None,
) -> list[AuditResult]:
    """Audit every target; at most `concurrency` requests are in flight across all of them.
    `on_result(index, result)` is called as each URL finishes; results come back in input order."""
    from cors_doctor.batch import make_async_client

    limit = asyncio.Semaphore(max(1, concurrency))
    urls_in_flight = asyncio.Semaphore(max(1, concurrency))  # keeps long URL lists from piling up tasks
    async with make_async_client(concurrency, timeout, verify, cacert) as client:

        async def one(index: int, target: AuditTarget) -> AuditResult:
            async with urls_in_flight:
                try:
                    result = await audit_one(client, limit, target, timeout)
                except CorsDoctorError as exc:
                    result = AuditResult(target.url, error=str(exc))
            if on_result is not None:
                on_result(index, result)
            return result

        return list(await asyncio.gather(*(one(i, t) for i, t in enumerate(targets))))


def audit(targets: Sequence[AuditTarget], **kwargs) -> list[AuditResult]:
    """Synchronous entry point: see audit_async."""
    return asyncio.run(audit_async(targets, **kwargs))
