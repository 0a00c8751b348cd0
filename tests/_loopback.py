"""Threaded HTTP servers on 127.0.0.1 for the tests: the start, serve and stop code in one place.

`LoopbackServer` answers every request through a `respond(ReceivedRequest)` callback and logs
what it received; `ServerThread` runs any socketserver-style server (werkzeug's too) from a
daemon thread (tests/_uvicorn.py does the same for ASGI apps). Ports are picked by the operating
system, and `close()` (or leaving the `with` block) stops the server and joins its thread;
`closing_all` gives fixtures a starter whose servers are all closed at teardown.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

MAX_BODY = 1 << 20  # request bodies in tests are small; a cap keeps a bad client from filling memory
POLL_INTERVAL = 0.05
Server = TypeVar("Server")


def free_port() -> int:
    """A loopback port nobody listens on right now (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HeaderLookup:
    """`header(name)` for a record with `headers` as (name, value) pairs: case-insensitive, and
    repeated fields joined with ", " the way HTTP combines them."""

    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


@dataclass(frozen=True)
class ReceivedRequest(HeaderLookup):
    """One request a loopback server received."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


Reply = tuple[int, list[tuple[str, str]], bytes]
Respond = Callable[[ReceivedRequest], Reply | None]  # None: hang up without answering


class ServerThread:
    """Serves a socketserver-style server (serve_forever/shutdown/server_close) from a daemon thread."""

    def __init__(self, server, scheme: str = "http") -> None:
        self._server = server
        self.scheme = scheme
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (timeout tests, refused certificates) leaves a broken socket
        # behind: expected, not news. Anything else is a bug in the test server, so it is shown.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _handler(respond: Respond, log: list[ReceivedRequest], lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, MAX_BODY)) if length else b""
            request = ReceivedRequest(self.command, self.path, tuple(self.headers.items()), body)
            with lock:
                log.append(request)
            reply = respond(request)
            if reply is None:
                self.close_connection = True
                return
            status, headers, payload = reply
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    return Handler


class LoopbackServer(ServerThread):
    """HTTP/1.1 (HTTPS with `ssl_context`) on 127.0.0.1 that logs every request in `received`
    and answers it with `respond(request)`; a slow reply is a `respond` that sleeps."""

    def __init__(self, respond: Respond, ssl_context: ssl.SSLContext | None = None) -> None:
        self.received: list[ReceivedRequest] = []
        server = _ThreadingServer(("127.0.0.1", 0), _handler(respond, self.received, threading.Lock()))
        if ssl_context is not None:
            server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
        super().__init__(server, "https" if ssl_context else "http")


@contextmanager
def closing_all(factory: Callable[..., Server]) -> Iterator[Callable[..., Server]]:
    """A `start(...)` that builds servers with `factory` and closes every one of them on exit;
    a fixture yields it, so each test starts as many servers as it needs."""
    started: list = []

    def start(*args, **kwargs) -> Server:
        server = factory(*args, **kwargs)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.close()
