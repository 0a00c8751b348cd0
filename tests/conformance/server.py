"""Loopback HTTP/1.1 server with byte-exact, per-case scripted replies and a full request log.

Written on asyncio streams rather than a web framework so that header lines go out exactly as a
case spells them (duplicates, odd casing, whitespace, invalid tokens) and nothing else is added
except Content-Length and Connection: close. One server listens on three random ports of
127.0.0.1, one per role (page, api, third); every role serves the case paths /c/<id>/<step>, and
the page role also serves the blank page that runs fetch(). Every request is logged with all its
headers, under the case id taken from its path.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus

from .model import Case, Reply
from .origins import ROLES, Origins

PAGE_HTML = (
    b'<!doctype html><meta charset=utf-8><link rel=icon href="data:,"><title>cors-doctor conformance</title><p>page'
)
READ_TIMEOUT = 5.0
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class LoggedRequest:
    """One request as received: which port (role), request line, raw header pairs, body."""

    role: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """Combined value of all lines named `name` (case-insensitive), None when absent."""
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS" and self.header("Access-Control-Request-Method") is not None


def case_id_of(target: str) -> tuple[str | None, str | None]:
    """('<id>', '<step>') for a target /c/<id>/<step>[?query], else (None, None)."""
    path = target.split("?", 1)[0]
    parts = path.split("/")
    if len(parts) == 4 and parts[0] == "" and parts[1] == "c":
        return parts[2], parts[3]
    return None, None


def render(reply: Reply, method: str, text: str) -> bytes:
    """Serialize a reply; `text` is the body to use, header lines are written verbatim."""
    try:
        reason = HTTPStatus(reply.status).phrase
    except ValueError:
        reason = "Status"
    lines = [f"HTTP/1.1 {reply.status} {reason}", *reply.headers]
    bodiless = reply.status in (204, 304) or reply.status < 200
    body = b"" if bodiless else text.encode("utf-8")
    if not bodiless:
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (b"" if method == "HEAD" else body)


class CaseServer:
    """Serves a set of cases on three loopback ports from a private event-loop thread."""

    def __init__(self, cases: Iterable[Case]):
        self._cases = {c.id: c for c in cases}
        self._log: dict[str | None, list[LoggedRequest]] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._pages: dict[str, bytes] = {}
        self.origins: Origins | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> CaseServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._listen())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="conformance-server", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("conformance server did not start within 10 s")
        return self

    async def _listen(self) -> None:
        ports = []
        for role in ROLES:
            server = await asyncio.start_server(
                lambda r, w, role=role: self._handle(role, r, w), "127.0.0.1", 0, limit=MAX_HEAD
            )
            self._servers.append(server)
            ports.append(server.sockets[0].getsockname()[1])
        self.origins = Origins(*ports)

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close() -> None:
            for server in self._servers:
                server.close()
                with suppress(Exception):
                    await asyncio.wait_for(server.wait_closed(), 2)

        with suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        if self._thread is None or not self._thread.is_alive():
            self._loop.close()
        self._loop = None

    def __enter__(self) -> CaseServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- public helpers ----------------------------------------------------------------------

    def url(self, case: Case) -> str:
        """The URL page script (and the CLI) fetches for a case."""
        return self.origins.api + case.entry_path

    def add_page(self, path: str, html: str) -> str:
        """Serve `html` at `path` on the page origin (a runner's own page); returns its URL.

        For engines that cannot be scripted from outside on every run (WebKit's console pass),
        the page itself has to carry the script that runs the cases.
        """
        if not path.startswith("/") or case_id_of(path)[0] is not None:
            raise ValueError(f"not a page path: {path!r}")
        with self._lock:
            self._pages[path] = html.encode("utf-8")
        return self.origins.page + path

    def take_log(self, case_id: str) -> list[LoggedRequest]:
        """Return and forget the requests logged for a case (so runs do not mix)."""
        with self._lock:
            return self._log.pop(case_id, [])

    # -- connection handling -----------------------------------------------------------------

    async def _handle(self, role: str, reader, writer) -> None:
        try:
            request = await asyncio.wait_for(self._read(role, reader), READ_TIMEOUT)
            if request is not None:
                writer.write(self._respond(request))
                await asyncio.wait_for(writer.drain(), READ_TIMEOUT)
        except (
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
            UnicodeError,
        ):
            pass
        finally:
            writer.close()
            with suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1)

    async def _read(self, role: str, reader) -> LoggedRequest | None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        request_line = lines[0].split(" ")
        if len(request_line) != 3:
            return None
        method, target, _version = request_line
        pairs = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                pairs.append((name, value.strip(" \t")))
        body = await self._read_body(reader, LoggedRequest(role, method, target, tuple(pairs), b""))
        request = LoggedRequest(role, method, target, tuple(pairs), body)
        case_id, _ = case_id_of(target)
        with self._lock:
            self._log.setdefault(case_id, []).append(request)
        return request

    @staticmethod
    async def _read_body(reader, request: LoggedRequest) -> bytes:
        length = request.header("Content-Length")
        if length is not None:
            size = int(length)
            if size > MAX_BODY:
                raise ValueError("body too large")
            return await reader.readexactly(size)
        if (request.header("Transfer-Encoding") or "").lower() == "chunked":
            chunks = []
            for _ in range(10_000):
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await reader.readline()
                    return b"".join(chunks)
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            raise ValueError("too many chunks")
        return b""

    def _respond(self, request: LoggedRequest) -> bytes:
        case_id, step = case_id_of(request.target)
        if case_id is None:
            if request.role == "page" and request.method == "GET" and request.target == "/":
                return self._page(PAGE_HTML)
            with self._lock:
                page = self._pages.get(request.target) if request.role == "page" else None
            if page is not None and request.method == "GET":
                return self._page(page)
            return render(Reply(404), request.method, "not found")
        case = self._cases.get(case_id)
        route = case.routes.get(step) if case else None
        if route is None:
            return render(Reply(404), request.method, f"unknown route {request.target}")
        origins = self.origins
        if request.is_preflight:
            if route.preflight is None:
                return render(Reply(405), request.method, "no preflight expected")
            reply = route.preflight
            default_body = f"preflight {case_id}/{step}"
        else:
            reply = route.actual
            default_body = f"actual {case_id}/{step}"
        filled = Reply(
            reply.status,
            tuple(origins.fill(line, case_id) for line in reply.headers),
            reply.body,
        )
        body = default_body if reply.body is None else origins.fill(reply.body, case_id)
        return render(filled, request.method, body)

    @staticmethod
    def _page(html: bytes) -> bytes:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(html)}\r\nConnection: close\r\n\r\n"
        )
        return head.encode("latin-1") + html
