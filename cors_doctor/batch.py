"""Many checks at once: one shared client, bounded concurrency, no result lost.

Used by every batch command (`ci`, `audit`, `har --live`). A failure of one target (refused,
timeout, broken HTTP) is recorded on that job and never stops the others.

API
    CheckJob(key, plan, options)
        One check to run; `key` identifies it in the results.
    CheckResult(key, job, verdict, error, elapsed=0.0)
        Its outcome: a verdict, or the cors-doctor error that replaced it (never both).
    run_jobs_async(jobs, concurrency=10, on_result=None, timeout=10.0, verify=True, cacert=None,
                   *, transport="httpx", client=None, keep_results=True) -> list[CheckResult]
        Runs every job with `concurrency` workers pulling from `jobs`, which may be any iterable:
        a generator keeps memory flat for large runs. `on_result` is called as each job finishes
        (completion order). The returned list is in job order; with keep_results=False it is
        empty and results reach only `on_result`. `transport` picks the sender the run opens
        ("aiohttp": fast, what `ci` uses; "httpx": mockable with respx); `client` instead runs on
        a caller's httpx.AsyncClient or sender, which the caller closes.
    run_jobs(jobs, concurrency=10, on_result=None, **kwargs)
        The same, from synchronous code.
    make_async_client(concurrency, timeout, verify, cacert) -> httpx.AsyncClient
        The shared httpx client: no redirects followed, pool sized to the concurrency.
    make_sender(transport, concurrency, timeout, verify, cacert, trust_env) -> sender
        A sender for `transport` (see cors_doctor.net.senders); close it with `await sender.aclose()`.

Tests that mock HTTP with respx must use transport="httpx" (or pass their own client): the
aiohttp sender does not go through httpx, so respx would not see its requests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cors_doctor.errors import CorsDoctorError, UsageError
from cors_doctor.model import Plan, Verdict
from cors_doctor.net._probe import ProbeOptions, _import_httpx, _verify_setting, probe_async

TRANSPORTS = ("aiohttp", "httpx")


@dataclass(frozen=True)
class CheckJob:
    """One check to run: a plan plus how to send it; `key` identifies it in the results."""

    key: str
    plan: Plan
    options: ProbeOptions


@dataclass(frozen=True)
class CheckResult:
    """What one job gave: a verdict, or the error that kept it from getting one."""

    key: str
    job: CheckJob
    verdict: Verdict | None
    error: CorsDoctorError | None
    elapsed: float = 0.0


def make_async_client(concurrency: int = 10, timeout: float = 10.0, verify: bool = True, cacert: str | None = None):
    """The shared client of batch commands: no redirects followed, pool sized to the concurrency."""
    httpx = _import_httpx()
    limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency))
    verify_setting = _verify_setting(ProbeOptions(verify=verify, cacert=cacert))
    return httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False, verify=verify_setting)


def make_sender(
    transport: str = "aiohttp",
    concurrency: int = 10,
    timeout: float = 10.0,
    verify: bool = True,
    cacert: str | None = None,
    trust_env: bool = True,
) -> Any:
    """A sender for one run; "aiohttp" falls back to "httpx" only when aiohttp is not installed."""
    from cors_doctor.net import senders

    if transport not in TRANSPORTS:
        raise UsageError(f"unknown transport {transport!r}; choose {' or '.join(TRANSPORTS)}")
    if transport == "aiohttp":
        try:
            import aiohttp  # noqa: F401 - only checking that it is there
        except ImportError:
            transport = "httpx"
    if transport == "aiohttp":
        return senders.AiohttpSender(concurrency, verify, cacert, trust_env)
    return senders.HttpxSender(make_async_client(concurrency, timeout, verify, cacert))


async def _run_one(job: CheckJob, sender: Any) -> CheckResult:
    started = time.perf_counter()
    verdict: Verdict | None = None
    error: CorsDoctorError | None = None
    try:
        verdict = await probe_async(job.plan, job.options, sender)
    except CorsDoctorError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - one target's surprise must not cost the others their results
        error = CorsDoctorError(f"unexpected {exc.__class__.__name__} while checking {job.plan.url}: {exc}")
        error.__cause__ = exc
    return CheckResult(job.key, job, verdict, error, time.perf_counter() - started)


async def run_jobs_async(
    jobs: Iterable[CheckJob],
    concurrency: int = 10,
    on_result: Callable[[CheckResult], None] | None = None,
    timeout: float = 10.0,
    verify: bool = True,
    cacert: str | None = None,
    *,
    transport: str = "httpx",
    client: Any = None,
    keep_results: bool = True,
) -> list[CheckResult]:
    """Run every job; results come back in job order (or only through on_result)."""
    from cors_doctor.net.senders import as_sender

    workers = max(1, concurrency)
    sender = as_sender(client) if client is not None else make_sender(transport, workers, timeout, verify, cacert)
    kept: dict[int, CheckResult] = {}
    source = enumerate(jobs)  # shared by the workers: each job is taken exactly once

    async def worker() -> None:
        for index, job in source:
            result = await _run_one(job, sender)
            if keep_results:
                kept[index] = result
            if on_result is not None:
                on_result(result)

    try:
        await asyncio.gather(*(worker() for _ in range(workers)))
    finally:
        if client is None:
            await sender.aclose()
    return [kept[i] for i in range(len(kept))]


def run_jobs(jobs: Iterable[CheckJob], concurrency: int = 10, on_result=None, **kwargs) -> list[CheckResult]:
    return asyncio.run(run_jobs_async(jobs, concurrency, on_result, **kwargs))
