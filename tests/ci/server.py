"""A loopback API with many endpoints, some configured right and some wrong, for policy runs.

The first path segment picks the behaviour (the rest of the path is free, so a policy can
check many distinct URLs of one kind):

    /good/...           allowlist (APP, APP2): reflect the origin with credentials, Vary: Origin, Max-Age 600,
                        X-Request-Id exposed; anything else gets no Access-Control-Allow-Origin
    /reflect-any/...    reflects every origin, with credentials (an attacker is allowed)
    /no-cors/...        no CORS headers at all
    /no-vary/...        like /good but without Vary: Origin
    /short-cache/...    like /good but Access-Control-Max-Age: 5
    /hidden-header/...  like /good but X-Request-Id is not exposed
    /preflight-404/...  OPTIONS answered 404 (GET like /good)
    /get-only/...       preflight allows only GET
    /slow/...           answers after SLOW_SECONDS (for timeouts)

Every request is logged, so tests can see what cors-doctor sent (and that it sent nothing).
RawServer answers every connection with fixed bytes, for replies no framework would produce.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP = "https://app.example.com"
APP2 = "http://localhost:5173"
EVIL = "https://evil.example"
ALLOWLIST = frozenset({APP, APP2})
SLOW_SECONDS = 3.0


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


def _cors(kind: str, origin: str | None, preflight: bool, request_headers: str | None) -> list[tuple[str, str]]:
    if kind == "no-cors" or origin is None:
        return []
    if kind == "reflect-any":
        out = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    elif origin in ALLOWLIST:
        out = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    else:
        out = []
    if kind != "no-vary":
        out.append(("Vary", "Origin"))
    if preflight:
        out.append(("Access-Control-Allow-Methods", "GET" if kind == "get-only" else "GET, POST, PUT, DELETE"))
        if request_headers:
            out.append(("Access-Control-Allow-Headers", request_headers))
        out.append(("Access-Control-Max-Age", "5" if kind == "short-cache" else "600"))
    elif kind != "hidden-header":
        out.append(("Access-Control-Expose-Headers", "X-Request-Id"))
    return out


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe behind: expected, not news.
        pass


class PolicyServer:
    """The endpoints above on 127.0.0.1 and a free port (https with an ssl_context), in a daemon thread."""

    def __init__(self, ssl_context=None) -> None:
        self.received: list[Logged] = []
        self.scheme = "https" if ssl_context else "http"
        log, lock = self.received, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(min(length, 1 << 20))
                with lock:
                    log.append(Logged(self.command, self.path, tuple(self.headers.items())))
                kind = self.path.strip("/").split("/", 1)[0]
                if kind == "slow":
                    time.sleep(SLOW_SECONDS)
                origin = self.headers.get("Origin")
                preflight = self.command == "OPTIONS" and self.headers.get("Access-Control-Request-Method") is not None
                if preflight and kind == "preflight-404":
                    return self._send(404, [("Content-Type", "application/json")], b'{"detail":"Not Found"}')
                headers = _cors(kind, origin, preflight, self.headers.get("Access-Control-Request-Headers"))
                if preflight:
                    return self._send(204, headers, b"")
                body = json.dumps({"path": self.path}).encode()
                self._send(200, [("Content-Type", "application/json"), ("X-Request-Id", "req-1"), *headers], body)

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _handle

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self._server.server_address[1]}"

    def requests_to(self, prefix: str) -> list[Logged]:
        return [r for r in list(self.received) if r.path.startswith(prefix)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class RawServer:
    """Answers each request on a connection with the same bytes (keep-alive), whatever was asked;
    with reply=None it closes the connection without answering."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.requests = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        buffer = b""
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:  # requests here carry no body
                    _, buffer = buffer.split(b"\r\n\r\n", 1)
                    self.requests += 1
                    if self.reply is None:
                        return
                    conn.sendall(self.reply)

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=5)
