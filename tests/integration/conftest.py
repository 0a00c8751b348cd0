"""Fixtures for the integration tests: real CORSMiddleware apps on loopback, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from tests._uvicorn import UvicornServer

from .servers import CONFIGS


@pytest.fixture(scope="session")
def starlette_server() -> Iterator[Callable[[str], str]]:
    """`starlette_server(name)` -> base URL of the app configured as CONFIGS[name], started once."""
    servers: dict[str, UvicornServer] = {}

    def get(name: str) -> str:
        if name not in servers:
            servers[name] = UvicornServer(CONFIGS[name]())
        return servers[name].url

    yield get
    for server in servers.values():
        server.close()


@pytest.fixture
def check(cli) -> Callable[..., tuple[int, dict]]:
    """Run `cors-doctor check URL ARGS --json`; stdout must be one JSON object, stderr empty."""

    def run(url: str, *args: str) -> tuple[int, dict]:
        result = cli("check", url, *args, "--json", "--timeout", "5")
        assert result.stderr == "", result.stderr
        return result.code, json.loads(result.stdout)

    return run
