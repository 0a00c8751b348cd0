"""Many checks at once: one shared async client, bounded concurrency, no result lost.

Used by every batch command (`ci`, `audit`, `har --live`). A failure of one target (refused,
timeout, broken HTTP) is recorded on that job and never stops the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cors_doctor._exceptions import CorsDoctorError
from cors_doctor.model import Plan, Verdict
from cors_doctor.probe import ProbeOptions, _import_httpx, _verify_setting, probe_async


@dataclass(frozen=True)
class CheckJob:
    """One check to run: a plan plus how to send it; `key` identifies it in the results."""

    key: str
    plan: Plan
    options: ProbeOptions


@dataclass(frozen=True)
class CheckResult:
    key: str
    job: CheckJob
    verdict: Verdict | None
    error: CorsDoctorError | None


def make_async_client(concurrency: int = 10, timeout: float = 10.0, verify: bool = True, cacert: str | None = None):
    """The shared client of batch commands: no redirects followed, pool sized to the concurrency."""
    httpx = _import_httpx()
    limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency))
    verify_setting = _verify_setting(ProbeOptions(verify=verify, cacert=cacert))
    return httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False, verify=verify_setting)


async def run_jobs_async(
    jobs: Sequence[CheckJob],
    concurrency: int = 10,
    on_result: Callable[[CheckResult], None] | None = None,
    timeout: float = 10.0,
    verify: bool = True,
    cacert: str | None = None,
) -> list[CheckResult]:
    """Run every job; results come back in job order."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    async with make_async_client(concurrency, timeout, verify, cacert) as client:

        async def one(job: CheckJob) -> CheckResult:
            async with semaphore:
                try:
                    verdict = await probe_async(job.plan, job.options, client)
                    result = CheckResult(job.key, job, verdict, None)
                except CorsDoctorError as exc:
                    result = CheckResult(job.key, job, None, exc)
            if on_result is not None:
                on_result(result)
            return result

        return list(await asyncio.gather(*(one(job) for job in jobs)))


def run_jobs(jobs: Sequence[CheckJob], concurrency: int = 10, on_result=None, **kwargs) -> list[CheckResult]:
    return asyncio.run(run_jobs_async(jobs, concurrency, on_result, **kwargs))
