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

from tests._loopback import LoopbackServer, ReceivedRequest, Reply

APP = "https://app.example.com"
APP2 = "http://localhost:5173"
EVIL = "https://evil.example"
ALLOWLIST = frozenset({APP, APP2})
SLOW_SECONDS = 3.0


def _cors(kind: str, origin: str | None, preflight: bool, request_headers: str | None) -> list[tuple[str, str]]:
    if kind == "no-cors" or origin is None:
        return []
    if kind == "reflect-any" or origin in ALLOWLIST:
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


def _respond(request: ReceivedRequest) -> Reply:
    kind = request.path.strip("/").split("/", 1)[0]
    if kind == "slow":
        time.sleep(SLOW_SECONDS)
    preflight = request.method == "OPTIONS" and request.header("Access-Control-Request-Method") is not None
    if preflight and kind == "preflight-404":
        return 404, [("Content-Type", "application/json")], b'{"detail":"Not Found"}'
    headers = _cors(kind, request.header("Origin"), preflight, request.header("Access-Control-Request-Headers"))
    if preflight:
        return 204, headers, b""
    body = json.dumps({"path": request.path}).encode()
    return 200, [("Content-Type", "application/json"), ("X-Request-Id", "req-1"), *headers], body


class PolicyServer(LoopbackServer):
    """The endpoints above on 127.0.0.1 and a free port (https with an ssl_context), in a daemon thread."""

    def __init__(self, ssl_context=None) -> None:
        super().__init__(_respond, ssl_context)

    def requests_to(self, prefix: str) -> list[ReceivedRequest]:
        return [r for r in list(self.received) if r.path.startswith(prefix)]


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
