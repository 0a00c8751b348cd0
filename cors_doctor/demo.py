"""`cors-doctor demo`: a loopback API with the classic CORS mistakes, checked one by one.

The server is stdlib `http.server` in a thread on 127.0.0.1 and a random port, so the demo
needs no internet, no install and no server of the user's own.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cors_doctor.check_args import CheckArgs

DEMO_ORIGIN = "http://localhost:5173"


@dataclass(frozen=True)
class DemoCase:
    path: str
    title: str
    method: str
    headers: tuple[tuple[str, str], ...]
    credentials: bool
    expect_allowed: bool


CASES = (
    DemoCase("/no-cors", "No CORS headers at all", "GET", (), False, False),
    DemoCase("/wildcard-credentials", "Wildcard origin with credentials", "GET", (), True, False),
    DemoCase(
        "/json-without-allow-headers",
        "JSON POST, Content-Type missing from Allow-Headers",
        "POST",
        (("Content-Type", "application/json"),),
        False,
        False,
    ),
    DemoCase(
        "/preflight-404",
        "Preflight answered 404 by the router",
        "PUT",
        (("Content-Type", "application/json"),),
        False,
        False,
    ),
    DemoCase(
        "/error-500",
        "Error reply without CORS headers (the crash hides behind CORS)",
        "GET",
        (("Authorization", "Bearer demo-token"),),
        False,
        False,
    ),
    DemoCase("/ok", "A correct configuration", "GET", (("Authorization", "Bearer demo-token"),), True, True),
)


class _Handler(BaseHTTPRequestHandler):
    server_version = "cors-doctor-demo"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        pass

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers:
            if value:  # an origin outside the allow-list gets no Access-Control-Allow-Origin at all
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _origin(self) -> str:
        """The allow-list of the demo API: only the demo front end, never whoever asks."""
        origin = self.headers.get("Origin", "")
        return origin if origin == DEMO_ORIGIN else ""

    def do_OPTIONS(self) -> None:
        origin = self._origin()
        path = self.path
        if path == "/json-without-allow-headers":
            return self._send(
                204,
                [
                    ("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Methods", "GET, POST"),
                    ("Vary", "Origin"),
                ],
            )
        if path == "/preflight-404":
            return self._send(404, [("Content-Type", "application/json")], b'{"detail":"Not Found"}')
        if path in ("/error-500", "/ok"):
            return self._send(
                204,
                [
                    ("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Methods", "GET, POST, PUT"),
                    ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                    ("Access-Control-Max-Age", "600"),
                    ("Vary", "Origin"),
                ],
            )
        return self._send(405, [("Allow", "GET")])

    def do_GET(self) -> None:
        body = json.dumps({"items": [1, 2, 3]}).encode()
        json_type = ("Content-Type", "application/json")
        path = self.path
        if path == "/wildcard-credentials":
            return self._send(
                200,
                [json_type, ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
                body,
            )
        if path == "/error-500":
            return self._send(500, [("Content-Type", "text/plain")], b"Internal Server Error")
        if path == "/ok":
            return self._send(
                200,
                [
                    json_type,
                    ("Access-Control-Allow-Origin", self._origin()),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Expose-Headers", "X-Request-Id"),
                    ("X-Request-Id", "demo-42"),
                    ("Vary", "Origin"),
                ],
                body,
            )
        return self._send(200, [json_type], body)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(min(length, 65536))
        self._send(201, [("Content-Type", "application/json")], b"{}")

    do_PUT = do_POST


class DemoServer:
    """The demo API on 127.0.0.1, on a free port (or `port`), served from a daemon thread."""

    def __init__(self, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def demo_check(case: DemoCase, base_url: str) -> CheckArgs:
    """The `cors-doctor check` command for one endpoint: printed for the user and run as printed."""
    return CheckArgs(base_url + case.path, DEMO_ORIGIN, case.method, case.headers, case.credentials)
