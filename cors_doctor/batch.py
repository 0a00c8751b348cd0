"""Many checks at once: shared senders, bounded concurrency, no result lost.

Used by every batch command (`ci`, `har --live`). Each job goes through the same pipeline as a
single `check` (`pipeline.run_plan_async`). A failure of one target (refused, timeout, broken
HTTP) is recorded on that job and never stops the others.

Jobs carry their own transport settings (`SendOptions`): jobs that agree on TLS trust, proxies
and HTTP/2 share one sender; a job with other settings gets a sender of its own, so a per-job
`--cacert` or `--insecure` is never silently replaced by another job's.

Tests that mock HTTP with respx must use transport="httpx" (or pass their own client): the
aiohttp sender does not go through httpx, so respx would not see its requests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cors_doctor.diagnosis import Diagnosis
from cors_doctor.errors import CorsDoctorError, UsageError
from cors_doctor.model import Plan, Verdict
from cors_doctor.net import TRANSPORTS, Sender, SendOptions, as_sender, make_sender
from cors_doctor.pipeline import CheckOptions, run_plan_async

# Above this many workers a run only spends memory: each waits on a socket of its own.
MAX_CONCURRENCY = 1000


@dataclass(frozen=True)
class CheckJob:
    """One check to run: a plan plus how to send it; `key` identifies it in the results."""

    key: str
    plan: Plan
    send: SendOptions = SendOptions()
    options: CheckOptions = CheckOptions()


@dataclass(frozen=True)
class CheckResult:
    """What one job gave: a diagnosis, or the error that kept it from getting one (never both)."""

    key: str
    job: CheckJob
    diagnosis: Diagnosis | None
    error: CorsDoctorError | None
    elapsed: float = 0.0

    @property
    def verdict(self) -> Verdict | None:
        return None if self.diagnosis is None else self.diagnosis.verdict


@dataclass(frozen=True)
class BatchOptions:
    """How a run is carried out: workers, the sender ("aiohttp" is fast, "httpx" is mockable),
    and whether results are kept in memory or only handed to `on_result` as they finish."""

    concurrency: int = 10
    transport: str = "httpx"
    keep_results: bool = True

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise UsageError(f"unknown transport {self.transport!r}; choose {' or '.join(TRANSPORTS)}")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise UsageError(f"concurrency must be between 1 and {MAX_CONCURRENCY}, not {self.concurrency}")


class _Senders:
    """One sender per distinct transport setting, opened on first use; or the caller's client."""

    def __init__(self, batch: BatchOptions, client: Any = None) -> None:
        self._batch = batch
        self._given = as_sender(client) if client is not None else None
        self._opened: dict[tuple[object, ...], Sender] = {}

    def for_job(self, job: CheckJob) -> Sender:
        if self._given is not None:
            return self._given
        key = job.send.tls_key
        if key not in self._opened:
            self._opened[key] = make_sender(self._batch.transport, self._batch.concurrency, job.send)
        return self._opened[key]

    async def aclose(self) -> None:
        for sender in self._opened.values():
            await sender.aclose()


async def _run_one(job: CheckJob, sender: Sender) -> CheckResult:
    started = time.perf_counter()
    diagnosis: Diagnosis | None = None
    error: CorsDoctorError | None = None
    try:
        diagnosis = await run_plan_async(job.plan, sender, job.send, job.options)
    except CorsDoctorError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - one target's surprise must not cost the others their results
        error = CorsDoctorError(f"unexpected {exc.__class__.__name__} while checking {job.plan.url}: {exc}")
        error.__cause__ = exc
    return CheckResult(job.key, job, diagnosis, error, time.perf_counter() - started)


async def run_jobs_async(
    jobs: Iterable[CheckJob],
    batch: BatchOptions = BatchOptions(),
    on_result: Callable[[CheckResult], None] | None = None,
    *,
    client: Any = None,
) -> list[CheckResult]:
    """Run every job; results come back in job order (or only through `on_result`, called in
    completion order). `jobs` may be a generator: memory stays flat for large runs. `client`
    runs everything on a caller's httpx.AsyncClient or sender, which the caller closes."""
    senders = _Senders(batch, client)
    kept: dict[int, CheckResult] = {}
    source = iter(enumerate(jobs))  # shared by the workers: each job is taken exactly once
    first = next(source, None)
    if first is None:
        return []

    async def worker(start: tuple[int, CheckJob] | None) -> None:
        pending = start
        while pending is not None:
            index, job = pending
            result = await _run_one(job, senders.for_job(job))
            if batch.keep_results:
                kept[index] = result
            if on_result is not None:
                on_result(result)
            pending = next(source, None)

    # Never more workers than jobs: a worker is started only when there is a job for it.
    starts = [first] + [job for job in (next(source, None) for _ in range(batch.concurrency - 1)) if job is not None]
    try:
        await asyncio.gather(*(worker(start) for start in starts))
    finally:
        await senders.aclose()
    return [kept[i] for i in sorted(kept)]


def run_jobs(
    jobs: Iterable[CheckJob],
    batch: BatchOptions = BatchOptions(),
    on_result: Callable[[CheckResult], None] | None = None,
    *,
    client: Any = None,
) -> list[CheckResult]:
    """`run_jobs_async` from synchronous code."""
    return asyncio.run(run_jobs_async(jobs, batch, on_result, client=client))
