"""Misconfigured (and one correct) CORS servers for the audit tests, all on 127.0.0.1.

Starlette apps run under uvicorn in a thread; the hand-written policies answer through the
shared `loopback_server` fixture (stdlib http.server), so each reply is exactly what a careless
server would send.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from tests._loopback import LoopbackServer, ServerThread

TRUSTED = "https://app.example.com"


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


def allow_list(
    allowed: set[str],
    *,
    credentials: bool = True,
    vary: bool = True,
    extra: list[tuple[str, str]] | None = None,
    error_cors: bool = True,
) -> Callable:
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
        headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), *_preflight_extra(request)]
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
    return status, [*headers, ("Set-Cookie", "session=secret-session-id; Path=/")], body


class DroppingServer(LoopbackServer):
    """Allow-list server that hangs up without a reply when the Origin holds a backtick, or
    (with `slow`) waits `slow` seconds before every reply."""

    def __init__(self, slow: float = 0.0) -> None:
        allowed = allow_list({TRUSTED})

        def respond(request):
            if slow:
                time.sleep(slow)  # the client gives up first: the late reply meets a closed socket
            if "`" in (request.header("Origin") or ""):
                return None
            return allowed(request)

        super().__init__(respond)


class FlaskServer(ServerThread):
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
        super().__init__(make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet))


def cookie_gated_star_app():
    """A Starlette app configured with allow_origins=["*"] and allow_credentials=True, answering the
    way Starlette releases that look for a cookie do: `*` to a GET without a cookie, the Origin
    echoed with credentials to a GET with one and to every preflight."""
    from starlette.middleware.cors import CORSMiddleware

    inner = CORSMiddleware(starlette_app(), allow_origins=["*"], allow_credentials=True, allow_methods=["*"])

    async def app(scope, receive, send):
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if scope["type"] != "http" or b"cookie" in headers or scope["method"] == "OPTIONS":
            return await inner(scope, receive, send)

        async def star_without_cookie(message):
            if message["type"] == "http.response.start" and b"origin" in headers:
                kept = [(k, v) for k, v in message["headers"] if k.lower() != b"access-control-allow-origin"]
                message = {**message, "headers": [*kept, (b"access-control-allow-origin", b"*")]}
            await send(message)

        await inner(scope, receive, star_without_cookie)

    return app


def put_only_endpoint(request):
    """Reflects any Origin with credentials; only PUT exists, so a GET gets 404 and a preflight 204
    (an Express route declared with app.put behind cors({origin: true, credentials: true}))."""
    origin = request.header("Origin")
    headers = _cors(origin) + _preflight_extra(request) if origin else []
    if request.method == "OPTIONS":
        return 204, headers, b""
    return 404, [("Content-Type", "text/html"), *headers], b"<pre>Cannot GET</pre>"


def reflect_everywhere(request):
    """Reflects any Origin with credentials, no Vary, on every path and method (404 included)."""
    origin = request.header("Origin")
    headers = _cors(origin, vary=False) + _preflight_extra(request) if origin else []
    return 404, [("Content-Type", "text/html"), *headers], b"not here"
