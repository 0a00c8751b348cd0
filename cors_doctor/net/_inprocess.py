"""Requests to an ASGI or WSGI application in this process, with the bytes a browser sends.

No socket, no server, no event loop of its own: an ASGI application is awaited in the caller's
loop (asyncio or trio, through anyio), a WSGI application is called in the caller's thread. The
request is built exactly as the network path builds it (`_wire.build_request`: Host first, the
plan's headers as written, Content-Length for a body, the method as page script wrote it), and
the reply is read the way the network path reads it: the body up to BODY_CAP bytes and
BODY_WAIT seconds, so an endless stream cuts the excerpt instead of holding the check.

Where the application itself fails, the server's part is played as uvicorn, Werkzeug and
Django's runserver play it: an exception before the reply started becomes a bare
`500 Internal Server Error` without any CORS header, which is what the browser then judges.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from cors_doctor.errors import TimeoutError_
from cors_doctor.model import OutgoingRequest, Response
from cors_doctor.net._wire import BODY_CAP, BODY_WAIT, build_request, excerpt

if TYPE_CHECKING:
    import httpx

# What a peer address looks like to the application: a loopback client on an ephemeral port.
CLIENT = ("127.0.0.1", 50000)
_CRASH_BODY = b"Internal Server Error"
_CRASH_HEADERS = (
    ("content-type", "text/plain; charset=utf-8"),
    ("content-length", str(len(_CRASH_BODY))),
    ("connection", "close"),
)


def is_asgi(app: Any) -> bool:
    """An ASGI application is a coroutine function (or an object whose __call__ is one)."""
    import inspect

    if inspect.iscoroutinefunction(app):
        return True
    return callable(app) and inspect.iscoroutinefunction(type(app).__call__)


def framework_of(app: Any) -> str | None:
    """The framework an application object belongs to, read from where its class (or the
    application it wraps) was defined: a fact, where replies only allow a guess."""
    import inspect

    seen = 0
    while app is not None and seen < 32:  # middleware stacks wrap the app in `.app`
        module = (getattr(type(app), "__module__", "") or "") if not inspect.isfunction(app) else app.__module__
        top = module.split(".", 1)[0]
        if top in ("fastapi", "starlette"):
            return "fastapi"
        if top in ("flask", "django"):
            return top
        app = getattr(app, "app", None)
        seen += 1
    return None


def _plain_httpx() -> Any:
    """httpx as the caller's process has it: an in-process check changes nothing in the process
    it runs in (no parser tolerance is needed, the reply never passes through h11)."""
    import httpx

    return httpx


def _request_parts(httpx_module: Any, request: OutgoingRequest, timeout: float) -> httpx.Request:
    # The same builder as the network path: the two can only differ in how bytes travel.
    return build_request(httpx_module, request, timeout)


def _reply(status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> Response:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return Response(status=status, headers=headers, reason=reason, body_excerpt=excerpt(body), http_version="HTTP/1.1")


def _latin1(headers: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    # Header bytes above 0x7F are kept as the Latin-1 characters browsers map them to (as on the wire).
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers)


def _crash() -> Response:
    return _reply(500, _CRASH_HEADERS, _CRASH_BODY)


class AsgiSender:
    """Send to an ASGI application: the `Sender` protocol of the asynchronous pipeline."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.httpx = _plain_httpx()

    async def exchange(self, request: OutgoingRequest, timeout: float) -> Response:
        import anyio

        outgoing = _request_parts(self.httpx, request, timeout)
        url = outgoing.url
        content = outgoing.read()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": CLIENT,
            "scheme": url.scheme,
            "method": outgoing.method,
            "root_path": "",
            "path": unquote(url.raw_path.split(b"?", 1)[0].decode("ascii")),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "headers": [(name.lower(), value) for name, value in outgoing.headers.raw],
            "state": {},
        }
        reply = _AsgiReply(content)
        with anyio.CancelScope(deadline=anyio.current_time() + timeout) as deadline:
            reply.scope = deadline
            try:
                await self.app(scope, reply.receive, reply.send)
            except _EnoughBody:
                pass
            except Exception:  # noqa: BLE001 (the application crashed: the server answers for it, as served)
                if reply.status is None:
                    return _crash()
        if reply.status is None:
            raise TimeoutError_(
                f"read timeout: the application did not start its reply to {request.url} within {timeout:g} s",
                hint="raise timeout if the handler is just slow",
            )
        return _reply(reply.status, _latin1(reply.headers), bytes(reply.body[:BODY_CAP]))

    async def aclose(self) -> None:
        return None


class _EnoughBody(Exception):
    """Raised from `send` once the excerpt is full, as a server's send fails after a hang-up."""


class _AsgiReply:
    """The server side of one ASGI request: the request body once, then a disconnect."""

    def __init__(self, content: bytes) -> None:
        self.content: bytes | None = content
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()
        self.scope: Any = None
        self.started = 0.0

    async def receive(self) -> dict[str, Any]:
        if self.content is not None:
            content, self.content = self.content, None
            return {"type": "http.request", "body": content, "more_body": False}
        import anyio

        await anyio.sleep_forever()  # the client waits for the reply; the deadline ends the wait
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", ())]
            # The body only feeds the excerpt: it gets BODY_WAIT more seconds, as on the network.
            import anyio

            self.scope.deadline = min(self.scope.deadline, anyio.current_time() + BODY_WAIT)
        elif kind == "http.response.body" and self.status is not None:
            self.body += message.get("body", b"")
            if len(self.body) >= BODY_CAP:
                raise _EnoughBody()
            if not message.get("more_body", False):
                self.scope.cancel()  # the reply is complete; whatever the app does after is not the client's


class WsgiSender:
    """Send to a WSGI application, called in this thread (PEP 3333 environ, Latin-1 strings)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.httpx = _plain_httpx()

    def exchange(self, request: OutgoingRequest, timeout: float | None = None) -> Response:
        import io

        outgoing = _request_parts(self.httpx, request, timeout or 10.0)
        content = outgoing.read()
        environ = _environ(outgoing, content, io.BytesIO(content))
        head: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info is not None and head:
                raise exc_info[1].with_traceback(exc_info[2])
            head["status"], head["headers"] = int(status.split(" ", 1)[0]), tuple(headers)
            return lambda data: None  # the legacy write() callable: nothing uses it for CORS replies

        try:
            result = self.app(environ, start_response)
        except Exception:  # noqa: BLE001 (as above: the server answers for a crashed application)
            return _crash()
        body = bytearray()
        started = time.monotonic()
        try:
            for chunk in result:
                body += chunk
                if len(body) >= BODY_CAP or time.monotonic() - started > BODY_WAIT:
                    break
        except Exception:  # noqa: BLE001 (a crash while the body streams ends the body, as served)
            if not head:
                return _crash()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not head:
            return _crash()
        return _reply(head["status"], head["headers"], bytes(body[:BODY_CAP]))


class ThreadedWsgiSender:
    """The asynchronous `Sender` of a WSGI application (batch runs): each request in a worker thread."""

    def __init__(self, app: Any) -> None:
        self._wsgi = WsgiSender(app)

    async def exchange(self, request: OutgoingRequest, timeout: float) -> Response:
        import functools

        import anyio

        return await anyio.to_thread.run_sync(functools.partial(self._wsgi.exchange, request, timeout))

    async def aclose(self) -> None:
        return None


def in_process_sender(app: Any) -> AsgiSender | ThreadedWsgiSender:
    """The asynchronous sender for an ASGI or a WSGI application."""
    return AsgiSender(app) if is_asgi(app) else ThreadedWsgiSender(app)


def _environ(outgoing: httpx.Request, content: bytes, stream: Any) -> dict[str, Any]:
    """PEP 3333's environ as a threaded WSGI server builds it for this request."""
    import sys

    url = outgoing.url
    raw_path, _, query = url.raw_path.partition(b"?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": outgoing.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(raw_path.decode("ascii"), encoding="latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(url.port or (443 if url.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT[0],
        "REMOTE_PORT": str(CLIENT[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in outgoing.headers.raw:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ
