"""Fixtures shared by every test area: running the CLI as a user does, and loopback servers.

Everything here talks only to 127.0.0.1 on ports the operating system picks, and every server
started here is stopped by its fixture.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest

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
        capture_output=True, text=True, encoding="utf-8", timeout=timeout, env=full_env, cwd=REPO,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """The cors-doctor command line, run in a subprocess."""
    return run_cli


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ReceivedRequest:
    """One request a loopback server received."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


Reply = tuple[int, list[tuple[str, str]], bytes]


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that logs every request and answers via `respond`."""

    def __init__(self, respond: Callable[[ReceivedRequest], Reply]) -> None:
        self.received: list[ReceivedRequest] = []
        log, lock = self.received, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1 << 20)) if length else b""
                request = ReceivedRequest(self.command, self.path, tuple(self.headers.items()), body)
                with lock:
                    log.append(request)
                status, headers, payload = respond(request)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def loopback_server() -> Iterator[Callable[[Callable[[ReceivedRequest], Reply]], LoopbackServer]]:
    """Start request-logging loopback servers with a reply function; all are stopped afterwards."""
    servers: list[LoopbackServer] = []

    def start(respond: Callable[[ReceivedRequest], Reply]) -> LoopbackServer:
        server = LoopbackServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
