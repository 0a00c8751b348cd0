"""Misconfigured (and one correct) CORS servers for the audit tests, all on 127.0.0.1.

Starlette apps run under uvicorn in a thread; the hand-written policies answer through the
shared `loopback_server` fixture (stdlib http.server), so each reply is exactly what a careless
server would send.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from typing import Callable

TRUSTED = "https://app.example.com"


class UvicornServer:
    """A uvicorn server for one ASGI app on a random loopback port, in a daemon thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


def starlette_app(**cors):
    """A tiny API (GET /items, GET /boom raising) wrapped in Starlette's CORSMiddleware."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def items(request):
        return JSONResponse({"items": [1, 2, 3]})

    return Starlette(routes=[Route("/items", items)], middleware=[Middleware(CORSMiddleware, **cors)])


# --- hand-written policies: request -> (status, headers, body) ---------------------------

def _cors(origin: str, credentials: bool = True, vary: bool = True) -> list[tuple[str, str]]:
    headers = [("Access-Control-Allow-Origin", origin)]
    if credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if vary:
        headers.append(("Vary", "Origin"))
    return headers


def _preflight_extra(request) -> list[tuple[str, str]]:
    if request.method == "OPTIONS":
        return [("Access-Control-Allow-Methods", "GET, PUT, DELETE"), ("Access-Control-Max-Age", "600")]
    return []


def _json(status: int, headers: list[tuple[str, str]]):
    return status, [("Content-Type", "application/json"), *headers], b'{"items": [1, 2, 3]}'


def _not_found(request) -> bool:
    return request.path.split("?")[0] != "/items"


def reflect_all(request):
    """Echo any Origin with credentials, no Vary (nginx `$http_origin`, Flask-CORS default)."""
    origin = request.header("Origin")
    headers = _cors(origin, vary=False) + _preflight_extra(request) if origin else []
    return _json(404 if _not_found(request) else 200, headers)


def allow_list(allowed: set[str], *, credentials: bool = True, vary: bool = True,
               extra: list[tuple[str, str]] | None = None, error_cors: bool = True) -> Callable:
    """Exact allow-list; optional Vary, and CORS headers on 404 replies or not."""

    def respond(request):
        origin = request.header("Origin")
        missing = _not_found(request)
        headers: list[tuple[str, str]] = list(extra or [])
        if origin in allowed and (error_cors or not missing):
            headers += _cors(origin, credentials, vary) + _preflight_extra(request)
        elif vary:
            headers.append(("Vary", "Origin"))
        if request.method == "OPTIONS" and not missing:
            return 204, headers, b""
        return _json(404 if missing else 200, headers)

    return respond


def wildcard(credentials: bool):
    def respond(request):
        headers = [("Access-Control-Allow-Origin", "*")]
        if credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return _json(404 if _not_found(request) else 200, headers + _preflight_extra(request))

    return respond


def preflight_reflects(request):
    """GET honours the allow-list; OPTIONS echoes anything with credentials (hand-rolled preflight)."""
    origin = request.header("Origin")
    if request.method == "OPTIONS" and origin:
        return 204, _cors(origin) + _preflight_extra(request), b""
    headers = _cors(origin) if origin == TRUSTED else [("Vary", "Origin")]
    return _json(200, headers)


_HOST = re.compile(r"https?://([a-z0-9.-]+)")


def lax_parser(request):
    """Pulls the host out with a hand-written pattern that stops at the first odd character."""
    origin = request.header("Origin") or ""
    match = _HOST.match(origin)
    headers = _cors(origin) if match and match.group(1) == "app.example.com" else [("Vary", "Origin")]
    return _json(200, headers)


def private_network_for_all(request):
    """Answers every Private Network Access preflight with a grant (and reflects the origin)."""
    origin = request.header("Origin")
    headers = []
    if origin:
        headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] + _preflight_extra(request)
        if request.header("Access-Control-Request-Private-Network") == "true":
            headers.append(("Access-Control-Allow-Private-Network", "true"))
    return _json(200, headers)


def two_values(request):
    """Proxy and app both add the header."""
    headers = [("Access-Control-Allow-Origin", "*")]
    if request.header("Origin"):
        headers.append(("Access-Control-Allow-Origin", TRUSTED))
    return _json(200, headers)


def sets_cookies(request):
    """Reflects with credentials and hands out a session cookie on every reply."""
    status, headers, body = reflect_all(request)
    return status, headers + [("Set-Cookie", "session=secret-session-id; Path=/")], body


class DroppingServer:
    """Allow-list server that hangs up without a reply when the Origin holds a backtick, or
    (with `slow`) waits `slow` seconds before every reply."""

    def __init__(self, slow: float = 0.0) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        respond = allow_list({TRUSTED})

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

            def _handle(self) -> None:
                from tests.conftest import ReceivedRequest

                origin = self.headers.get("Origin") or ""
                if slow:
                    time.sleep(slow)
                if "`" in origin:
                    self.close_connection = True
                    return
                request = ReceivedRequest(self.command, self.path, tuple(self.headers.items()), b"")
                status, headers, body = respond(request)
                try:
                    self.send_response(status)
                    for name, value in headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up waiting: expected for `slow`

            do_GET = do_OPTIONS = _handle

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


class FlaskServer:
    """A Flask app with Flask-CORS under werkzeug's threaded server on a random loopback port."""

    def __init__(self, **cors) -> None:
        from flask import Flask, jsonify
        from flask_cors import CORS
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log(self, *args, **kwargs) -> None:
                pass

        app = Flask("audit")

        @app.get("/items")
        def items():
            return jsonify(items=[1, 2, 3])

        CORS(app, **cors)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
