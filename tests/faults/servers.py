"""Loopback servers that misbehave on purpose, each in its own thread with its own event loop.

`ScriptedServer` parses one HTTP/1.1 request per connection, logs it byte-exact, and hands the
connection to a coroutine that writes whatever raw bytes the test wants (or nothing, slowly,
or forever until the client leaves). `ForwardProxy` is a minimal HTTP proxy (absolute-form and
CONNECT) that logs every request line and sends everything to a loopback port. `H2OnlyServer`
speaks nothing but HTTP/2 without TLS. Every server listens on 127.0.0.x with a random port
and is stopped by the fixture that started it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Self

from tests._loopback import HeaderLookup

MAX_HEAD = 64 * 1024
CLIENT_GONE_WAIT = 30.0  # the longest a "never answers" handler keeps a connection open


@dataclass(frozen=True)
class Seen(HeaderLookup):
    """One request as received: method, target, raw header pairs (Latin-1), body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    raw_head: bytes


Handler = Callable[[Seen, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _LoopThread:
    """An asyncio loop in a daemon thread, with the servers and tasks it must close at the end."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(lambda loop, context: None)  # clients that hang up are expected
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._tasks: set[asyncio.Task] = set()
        self._servers: list[asyncio.base_events.Server] = []

    def start(self) -> None:
        self._thread.start()

    def run(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def track(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def listen(self, handler, host: str, ssl_context=None) -> int:
        """Start a server in this loop; returns its port."""

        async def start() -> int:
            server = await asyncio.start_server(
                lambda r, w: self.track(handler(r, w)),
                host,
                0,
                ssl=ssl_context,
                limit=MAX_HEAD,
            )
            self._servers.append(server)
            return server.sockets[0].getsockname()[1]

        return self.run(start())

    async def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def stop(self) -> None:
        with suppress(Exception):
            self.run(self._shutdown(), timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()


class _AsyncServer:
    """A server whose connections each run `_serve` on its own loop thread; `with` starts and stops it."""

    host = "127.0.0.1"
    ssl_context = None

    def __init__(self) -> None:
        self.port = 0
        self._loop = _LoopThread()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._loop.start()
        self.port = self._loop.listen(self._serve, self.host, self.ssl_context)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.stop()


TLS_HELLO = Seen("", "", (), b"", b"\x16")


async def read_request(reader: asyncio.StreamReader, plain: bool = True) -> Seen | None:
    """Read one request head and its Content-Length body; None when the client sent nothing,
    TLS_HELLO when a TLS handshake arrives on a plain port."""
    try:
        first = await reader.readexactly(1)
        if plain and first == b"\x16":
            return TLS_HELLO
        head = first + await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = ([*lines[0].split(" ", 2), "", ""])[:3]
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name, value.strip(" \t")))
    seen = Seen(method, target, tuple(headers), b"", head)
    length = int(seen.header("Content-Length") or 0)
    body = await reader.readexactly(length) if length else b""
    return Seen(method, target, tuple(headers), body, head)


def http_reply(
    status: int, headers: list[tuple[str, str]] | tuple = (), body: bytes = b"", reason: str = "OK"
) -> bytes:
    """A complete reply with Content-Length and Connection: close, header lines as given."""
    lines = [
        f"HTTP/1.1 {status} {reason}",
        *(f"{n}: {v}" for n, v in headers),
        f"Content-Length: {len(body)}",
        "Connection: close",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


def reply(status: int, headers: list[tuple[str, str]] | tuple = (), body: bytes = b"") -> Handler:
    """A handler that answers with one complete reply."""

    async def handler(seen: Seen, reader, writer) -> None:
        writer.write(http_reply(status, headers, body if seen.method != "HEAD" else b""))
        await writer.drain()

    return handler


def raw(data: bytes) -> Handler:
    """A handler that writes exactly these bytes and closes."""

    async def handler(seen: Seen, reader, writer) -> None:
        writer.write(data)
        await writer.drain()

    return handler


async def wait_for_client_to_leave(reader: asyncio.StreamReader) -> None:
    with suppress(Exception):
        await asyncio.wait_for(reader.read(), CLIENT_GONE_WAIT)


class ScriptedServer(_AsyncServer):
    """HTTP/1.1 (or HTTPS) on 127.0.0.x: routes map a path (without query) to a handler."""

    def __init__(
        self, routes: dict[str, Handler], host: str = "127.0.0.1", ssl_context=None, default: Handler | None = None
    ) -> None:
        super().__init__()
        self.routes = routes
        self.default = default or reply(404, [("Content-Type", "text/plain")], b"no such path")
        self.host = host
        self.ssl_context = ssl_context
        self.log: list[Seen] = []
        self.connections = 0

    def url(self, path: str = "/", host: str | None = None) -> str:
        scheme = "https" if self.ssl_context else "http"
        host = host or self.host
        return f"{scheme}://{f'[{host}]' if ':' in host else host}:{self.port}{path}"

    @property
    def origin(self) -> str:
        return self.url("").rstrip("/")

    def methods(self) -> list[str]:
        return [seen.method for seen in self.log]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            seen = await read_request(reader, plain=self.ssl_context is None)
            if seen is None:
                return
            if seen is TLS_HELLO:  # answered like uvicorn, nginx and Go answer a handshake on a plain port
                writer.write(
                    http_reply(
                        400, [("Content-Type", "text/plain")], b"Invalid HTTP request received.", reason="Bad Request"
                    )
                )
                await writer.drain()
                return
            self.log.append(seen)
            handler = self.routes.get(seen.target.split("?", 1)[0], self.default)
            await handler(seen, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with suppress(Exception):
                writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with suppress(Exception):
            writer.close()


class ForwardProxy(_AsyncServer):
    """An HTTP proxy on 127.0.0.1 that logs request lines and reaches every host on loopback.

    Whatever host a request names, the proxy connects to 127.0.0.1 on the port it names: the
    test host names never need DNS.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.heads: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            first, _, rest = head.decode("latin-1").partition("\r\n")
            self.lines.append(first)
            self.heads.append(head.decode("latin-1"))
            method, target, version = first.split(" ", 2)
            if method == "CONNECT":
                port = int(target.rsplit(":", 1)[1])
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
            else:
                scheme_host, _, path = target.partition("://")[2].partition("/")
                port = int(scheme_host.rsplit(":", 1)[1]) if ":" in scheme_host else 80
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
                kept = [line for line in rest.split("\r\n") if line and not line.lower().startswith("proxy-")]
                up_writer.write(
                    f"{method} /{path} {version}\r\n".encode("latin-1")
                    + "\r\n".join(kept).encode("latin-1")
                    + b"\r\n\r\n"
                )
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            pass
        finally:
            with suppress(Exception):
                writer.close()


class H2OnlyServer(_AsyncServer):
    """HTTP/2 with prior knowledge on plain TCP, as `h2c`-only servers run it: the server
    preface (SETTINGS) first, then GOAWAY when the client does not speak HTTP/2."""

    def __init__(self) -> None:
        super().__init__()
        self.connections = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import h2.config
        import h2.connection
        import h2.errors
        import h2.exceptions

        self.connections += 1
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        try:
            writer.write(conn.data_to_send())
            await writer.drain()
            data = await asyncio.wait_for(reader.read(65536), 10)
            try:
                conn.receive_data(data)
            except h2.exceptions.ProtocolError:
                conn.close_connection(error_code=h2.errors.ErrorCodes.PROTOCOL_ERROR)
                writer.write(conn.data_to_send())
                await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            with suppress(Exception):
                writer.close()


class HypercornServer:
    """A real HTTP/2 server: Hypercorn serving an ASGI app over TLS on 127.0.0.1 (ALPN h2 and
    http/1.1), with the socket bound here so the port is known before it starts."""

    def __init__(self, app, certfile: str, keyfile: str) -> None:
        import socket

        self.app = app
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._certfile, self._keyfile = certfile, keyfile
        self._loop = _LoopThread()
        self._stopped: asyncio.Event | None = None

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    async def _serve(self) -> None:
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"fd://{self._sock.fileno()}"]
        config.certfile, config.keyfile = self._certfile, self._keyfile
        config.accesslog = config.errorlog = None
        config.graceful_timeout = 1
        self._stopped = asyncio.Event()
        await serve(self.app, config, shutdown_trigger=self._stopped.wait)

    def __enter__(self) -> HypercornServer:
        import socket
        import time

        self._loop.start()
        self._loop.loop.call_soon_threadsafe(lambda: self._loop.track(self._serve()))
        for _ in range(100):  # until it accepts connections (bounded: 5 s)
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                break
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if self._stopped is not None:
            self._loop.loop.call_soon_threadsafe(self._stopped.set)
        self._loop.stop()
        with suppress(OSError):  # Hypercorn closes the listening socket itself
            self._sock.close()
