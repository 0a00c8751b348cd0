"""Fixtures for the framework tests: real servers on loopback, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .procs import ServerProcess, free_port


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """`serve(argv_for_port, cwd=..., env=...)` starts a server process on a free port; all are stopped at the end.

    `argv_for_port` is a function of the port, so the command line can name it.
    """
    started: list[ServerProcess] = []

    def start(
        argv_for_port: Callable[[int], list[str]],
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> ServerProcess:
        port = port or free_port()
        server = ServerProcess(argv_for_port(port), cwd or tmp_path, port, env or {})
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
