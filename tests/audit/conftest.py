"""Fixtures for the audit tests: Starlette apps under uvicorn and an in-process audit runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from cors_doctor.audit.model import AuditResult, make_target
from cors_doctor.audit.run import audit
from cors_doctor.batch import BatchOptions
from cors_doctor.net import SendOptions
from tests._loopback import closing_all
from tests._uvicorn import UvicornServer

from .servers import TRUSTED, starlette_app


@pytest.fixture
def starlette() -> Iterator[Callable[..., str]]:
    """`starlette(**cors_options)` -> base URL of a Starlette app with CORSMiddleware(**cors_options)."""
    with closing_all(UvicornServer) as start:
        yield lambda **cors: start(starlette_app(**cors)).url


def run_audit(url: str, *origins: str, timeout: float = 5.0, transport: str = "aiohttp", **target) -> AuditResult:
    """Audit one URL in-process, trusting `origins` (default: https://app.example.com)."""
    [result] = audit(
        [make_target(url, origins or (TRUSTED,), **target)], BatchOptions(8, transport), SendOptions(timeout=timeout)
    )
    return result


def codes(result: AuditResult) -> dict[str, str]:
    """{code: severity} of a result's findings."""
    return {f.code: f.severity for f in result.findings}


def worst(result: AuditResult) -> str | None:
    order = ["info", "low", "medium", "high"]
    return max((f.severity for f in result.findings), key=order.index, default=None)
