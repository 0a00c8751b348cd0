"""`cors-doctor audit`, the sending part: many URLs at once on the batch engine's sender.

The sender is the one `ci` uses (`net.make_sender`): one shared client, no redirects followed,
no cookie jar, no headers added beyond Host. Crafted Origin values go out byte for byte (many
are not valid origins on purpose). Only GET and OPTIONS are ever sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from cors_doctor.audit.findings import analyse
from cors_doctor.audit.model import AuditResult, AuditTarget, Probe, ProbeOutcome, plan_probes
from cors_doctor.batch import BatchOptions
from cors_doctor.errors import CorsDoctorError
from cors_doctor.model import OutgoingRequest
from cors_doctor.net import SendOptions, as_sender, make_sender


async def send_probe(sender: Any, probe: Probe, timeout: float) -> ProbeOutcome:
    """One probe; a transport failure becomes the outcome's error instead of an exception."""
    request = OutgoingRequest("preflight" if probe.is_preflight else "actual", probe.method, probe.url, probe.headers)
    limit = timeout * 2 + 1  # the sender bounds each read; this bounds a server that drips bytes forever
    try:
        return ProbeOutcome(probe, await asyncio.wait_for(sender.exchange(request, timeout), limit))
    except asyncio.TimeoutError:
        return ProbeOutcome(probe, error=f"no complete reply from {probe.url} within {limit:g} s")
    except CorsDoctorError as exc:
        return ProbeOutcome(probe, error=" ".join(str(exc).split()))
    except Exception as exc:  # noqa: BLE001 - one probe's surprise must not cost the others their results
        return ProbeOutcome(probe, error=f"unexpected {exc.__class__.__name__}: {exc}")


async def audit_one(sender: Any, limit: asyncio.Semaphore, target: AuditTarget, timeout: float) -> AuditResult:
    """Baseline first: if the URL cannot be reached at all, stop there; else send the rest at once."""
    probes = plan_probes(target)

    async def run(probe: Probe) -> ProbeOutcome:
        async with limit:
            return await send_probe(sender, probe, timeout)

    first = await run(probes[0])
    if first.response is None:
        return AuditResult(target.url, outcomes=(first,), error=first.error)
    rest = await asyncio.gather(*(run(p) for p in probes[1:]))
    return analyse(target, (first, *rest))


async def audit_async(
    targets: Sequence[AuditTarget],
    batch: BatchOptions = BatchOptions(transport="aiohttp"),
    send: SendOptions = SendOptions(),
    on_result: Callable[[int, AuditResult], None] | None = None,
    *,
    client: Any = None,
) -> list[AuditResult]:
    """Audit every target; at most `batch.concurrency` requests are in flight across all of them.
    `on_result(index, result)` is called as each URL finishes; results come back in input order.
    `client` (an httpx.AsyncClient or a sender) replaces the run's own; the caller closes it."""
    sender = as_sender(client) if client is not None else make_sender(batch.transport, batch.concurrency, send)
    limit = asyncio.Semaphore(batch.concurrency)
    urls_in_flight = asyncio.Semaphore(batch.concurrency)  # keeps long URL lists from piling up tasks

    async def one(index: int, target: AuditTarget) -> AuditResult:
        async with urls_in_flight:
            result = await audit_one(sender, limit, target, send.timeout)
        if on_result is not None:
            on_result(index, result)
        return result

    try:
        return list(await asyncio.gather(*(one(i, t) for i, t in enumerate(targets))))
    finally:
        if client is None:
            await sender.aclose()


def audit(
    targets: Sequence[AuditTarget],
    batch: BatchOptions = BatchOptions(transport="aiohttp"),
    send: SendOptions = SendOptions(),
    on_result: Callable[[int, AuditResult], None] | None = None,
    *,
    client: Any = None,
) -> list[AuditResult]:
    """Synchronous entry point: see audit_async."""
    return asyncio.run(audit_async(targets, batch, send, on_result, client=client))
