"""Fixtures shared by every test area: running the CLI as a user does, and loopback servers.

Everything here talks only to 127.0.0.1 on ports the operating system picks, and every server
started here is stopped by its fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._loopback import LoopbackServer, Respond, closing_all, free_port  # noqa: F401 - free_port: for the test areas

REPO = Path(__file__).resolve().parents[1]
CLI_TIMEOUT = 60.0


@dataclass(frozen=True)
class CliResult:
    """What a cors-doctor process did: its exit code and both output streams."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, timeout: float = CLI_TIMEOUT, env: dict[str, str] | None = None) -> CliResult:
    """Run `python -m cors_doctor ARGS` in a fresh process, wide and without colors."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250", "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "cors_doctor", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=full_env,
        cwd=REPO,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """The cors-doctor command line, run in a subprocess."""
    return run_cli


@pytest.fixture
def loopback_server() -> Iterator[Callable[[Respond], LoopbackServer]]:
    """Start request-logging loopback servers with a reply function; all are stopped afterwards."""
    with closing_all(LoopbackServer) as start:
        yield start


# `pytester` runs pytest on generated test files (the cors-doctor pytest plugin's own tests).
pytest_plugins = ["pytester"]
