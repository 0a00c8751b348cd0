"""Fixtures for the library tests: one served copy of each application, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests._uvicorn import UvicornServer

from .apps import WsgiServer


@pytest.fixture(scope="module")
def served() -> Iterator[Callable[[Any, str], str]]:
    """`served(app, kind)` -> base URL of `app` served on a free loopback port ("asgi", "flask", "django")."""
    servers: list[Any] = []

    def serve(app: Any, kind: str) -> str:
        server = UvicornServer(app) if kind == "asgi" else WsgiServer(app, kind)
        servers.append(server)
        return server.url

    yield serve
    for server in servers:
        server.close()
