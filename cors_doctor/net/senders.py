"""How batch runs put requests on the wire: one shared client, one request at a time per check.

A sender turns an `OutgoingRequest` into a `Response` (or a cors-doctor error) and nothing
else: no redirects followed, no cookies kept, no headers added beyond Host and Content-Length,
bodies read up to `BODY_CAP`. Two implementations:

* `HttpxSender` wraps an `httpx.AsyncClient` (respx can mock it; `make_async_client` builds one);
* `AiohttpSender` talks to one `aiohttp.ClientSession` directly. It is the default transport of
  batch runs because it is several times faster per request (docs/design.md, "Batch transport").
  Replies aiohttp's parser refuses but a browser reads (such as `Name : value` header lines) are
  fetched again through httpx for safe methods, so the verdict stays the browser's.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from cors_doctor.errors import ConnectError, CorsDoctorError, ProtocolError, UsageError
from cors_doctor.model import OutgoingRequest, Response
from cors_doctor.net._errors import (  # shared wording: both transports report errors alike
    Attempt,
    first_line,
    map_transport_error,
    protocol_error,
    speaks_another_protocol,
    timeout_error,
)
from cors_doctor.net._wire import BODY_CAP, BODY_WAIT, build_request, excerpt, import_httpx, is_timeout, to_response
from cors_doctor.net.options import SendOptions, ssl_context

if TYPE_CHECKING:
    import httpx

# The reply head may not exceed what the httpx path accepts (httpcore's limit), so both agree.
HEAD_LIMIT = 100 * 1024
# A connect that never completes must surface as a connect timeout, not as the request deadline.
_DEADLINE_SLACK = 0.05
# Methods a browser may repeat without changing anything; only these are re-sent through httpx.
_SAFE_TO_RESEND = frozenset({"GET", "HEAD", "OPTIONS"})
# aiohttp adds these when absent; a browser's request has exactly the headers of the plan.
_NO_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


TRANSPORTS = ("aiohttp", "httpx")


class Sender(Protocol):
    """What an asynchronous check needs from a client (and what the run that opened it closes)."""

    async def exchange(self, request: OutgoingRequest, timeout: float) -> Response: ...

    async def aclose(self) -> None: ...


def as_sender(client: Any) -> Sender:
    """A sender for `client`: itself when it is one, else an httpx.AsyncClient wrapped."""
    return client if hasattr(client, "exchange") else HttpxSender(client)


class HttpxSender:
    """Send through an httpx.AsyncClient (whatever its transport); aclose() closes that client."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def exchange(self, request: OutgoingRequest, timeout: float) -> Response:
        """The whole request head within `timeout`; the body up to BODY_CAP and BODY_WAIT (as SyncSender)."""
        import asyncio

        httpx = import_httpx()
        client = self.client
        started = time.monotonic()
        try:
            outgoing = build_request(httpx, request, timeout)
            async with asyncio.timeout(timeout + _DEADLINE_SLACK):
                response = await client.send(outgoing, stream=True)
        except CorsDoctorError:
            raise
        except Exception as exc:  # every transport failure becomes one cors-doctor error
            raise map_transport_error(exc, Attempt(request.url, timeout, "head")) from exc
        try:
            body = bytearray()
            if request.method != "HEAD":
                chunks = response.aiter_raw()
                try:
                    while len(body) < BODY_CAP:
                        async with asyncio.timeout(_body_time_left(started, timeout)):
                            chunk = await anext(chunks, b"")
                        if not chunk:
                            break
                        body += chunk
                except Exception as exc:
                    if not is_timeout(exc):
                        raise map_transport_error(exc, Attempt(request.url, timeout, "body")) from exc
            return to_response(response, bytes(body[:BODY_CAP]))
        finally:
            await response.aclose()
            client.cookies.clear()

    async def aclose(self) -> None:
        await self.client.aclose()


class AiohttpSender:
    """Send on one aiohttp session shared by every check of a run.

    The session is opened on first use (it must belong to the running event loop). aiohttp's
    `trust_env` is off because it would read ~/.netrc and add Authorization to preflights;
    proxies are chosen here instead, by the same rules as single checks (_transport.choose_route).
    """

    def __init__(self, concurrency: int = 10, options: SendOptions = SendOptions()) -> None:
        self._limit = max(1, concurrency)
        self._options = options
        self._trust_env = options.trust_env
        self._proxy_for_origin: dict[tuple[str, str, int | None], str | None] = {}
        self._session: Any = None
        self._timeouts: dict[float, Any] = {}
        self._tls: Any = None
        self._fallback: HttpxSender | None = None

    async def __aenter__(self) -> AiohttpSender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _open(self) -> Any:
        import aiohttp
        from yarl import URL

        self._aiohttp, self._url_class = aiohttp, URL
        connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=0, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=_NO_AUTO_HEADERS,
            auto_decompress=False,
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )
        return self._session

    def _tls_context(self) -> Any:
        """The TLS setting for https targets, built once and trusting what single checks trust."""
        if self._tls is None:
            self._tls = ssl_context(self._options)
        return self._tls

    def _proxy(self, url: Any) -> str | None:
        """The proxy a browser would use for this origin (the same rules as single checks)."""
        key = (url.scheme, url.host or "", url.port)
        if key not in self._proxy_for_origin:
            from cors_doctor.net._transport import choose_route

            self._proxy_for_origin[key] = choose_route(str(url), self._trust_env).proxy
        return self._proxy_for_origin[key]

    def _timeout(self, seconds: float) -> Any:
        """One deadline for the whole request, as single checks have; aiohttp tells a connect
        timeout (ConnectionTimeoutError) from a later one."""
        if seconds not in self._timeouts:
            self._timeouts[seconds] = self._aiohttp.ClientTimeout(total=seconds, sock_connect=seconds)
        return self._timeouts[seconds]

    async def exchange(self, request: OutgoingRequest, timeout: float) -> Response:
        session = self._session or self._open()
        url = self._url_class(request.url, encoded=True)
        options: dict[str, Any] = {}
        if url.scheme == "https":
            options["ssl"] = self._tls_context()
        if self._trust_env:
            proxy = self._proxy(url)
            if proxy:
                options["proxy"] = proxy
        data = request.body.encode("utf-8") if request.body is not None else None
        started = time.monotonic()
        try:
            reply = await session.request(
                request.method,
                url,
                headers=list(request.headers),
                data=data,
                allow_redirects=False,
                timeout=self._timeout(timeout),
                **options,
            )
        except CorsDoctorError:
            raise
        except Exception as exc:
            error = map_aiohttp_error(exc, request.url, timeout, "head")
            if (
                isinstance(error, ProtocolError)
                and _parser_refused(exc)
                and request.method in _SAFE_TO_RESEND
                and not speaks_another_protocol(quoted_reply_bytes(str(getattr(exc, "message", ""))))
            ):
                return await self._through_httpx(request, timeout)
            raise error from exc
        try:
            if sum(len(k) + len(v) + 4 for k, v in reply.raw_headers) > HEAD_LIMIT:
                raise _head_too_large(request.url, timeout)
            body = b""
            if request.method != "HEAD" and not reply.content.at_eof():
                body = await _read_capped(reply, request.url, timeout, started)
            return Response(
                status=reply.status,
                headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in reply.raw_headers),
                reason=reply.reason or "",
                body_excerpt=excerpt(body),
                http_version=f"HTTP/{reply.version.major}.{reply.version.minor}",
            )
        finally:
            reply.release()  # an unread body is not drained: the connection is dropped

    async def _through_httpx(self, request: OutgoingRequest, timeout: float) -> Response:
        """Ask again with httpx, whose header parser accepts what Chromium accepts."""
        if self._fallback is None:
            self._fallback = HttpxSender(make_async_client(1, self._options))
        return await self._fallback.exchange(request, timeout)

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
        if self._fallback is not None:
            fallback, self._fallback = self._fallback, None
            await fallback.aclose()


def make_async_client(concurrency: int = 10, options: SendOptions = SendOptions()) -> httpx.AsyncClient:
    """An httpx client for batch runs: no redirects followed, pool sized to the concurrency."""
    from cors_doctor.net._async_client import lenient_async_client

    import_httpx()
    return lenient_async_client(concurrency, ssl_context(options), options.timeout, options.trust_env)


def make_sender(transport: str = "aiohttp", concurrency: int = 10, options: SendOptions = SendOptions()) -> Sender:
    """A sender for one run; "aiohttp" falls back to "httpx" only when aiohttp is not installed."""
    if transport not in TRANSPORTS:
        raise UsageError(f"unknown transport {transport!r}; choose {' or '.join(TRANSPORTS)}")
    if transport == "aiohttp":
        import importlib.util

        if importlib.util.find_spec("aiohttp") is None:
            transport = "httpx"
    if transport == "aiohttp":
        return AiohttpSender(concurrency, options)
    return HttpxSender(make_async_client(concurrency, options))


def _body_time_left(started: float, timeout: float) -> float:
    """The body gets what is left of the request's time, and at most BODY_WAIT (as in probe.send)."""
    return max(0.0, min(started + timeout - time.monotonic(), BODY_WAIT))


async def _read_capped(reply: Any, url: str, timeout: float, started: float) -> bytes:
    """At most BODY_CAP bytes; a slow or endless body is cut at its time, a broken one is an error."""
    import asyncio

    import aiohttp

    body = bytearray()
    try:
        async with asyncio.timeout(_body_time_left(started, timeout)):
            while len(body) < BODY_CAP:
                chunk = await reply.content.read(BODY_CAP - len(body))
                if not chunk:
                    break
                body += chunk
    except aiohttp.ClientPayloadError as exc:
        expected = reply.content_length
        if expected is not None and len(body) < expected:  # word it as the httpx path does
            text = f"peer closed connection without sending complete message body: received {len(body)} bytes, expected {expected}"
        else:
            text = "incomplete chunked read" if reply.headers.get("Transfer-Encoding") else first_line(str(exc))
        raise protocol_error(RuntimeError(text), Attempt(url, timeout, "body")) from exc
    except Exception as exc:
        if not is_timeout(exc):
            raise map_aiohttp_error(exc, url, timeout, "body") from exc
    return bytes(body)


def _head_too_large(url: str, timeout: float) -> ProtocolError:
    return protocol_error(RuntimeError("reply header too large"), Attempt(url, timeout, "head"))


def quoted_reply_bytes(message: str) -> bytes:
    """The `b'...'` literal in an aiohttp parser message (the start of what the server sent)."""
    import ast
    import re

    match = re.search(r"b'(?:[^'\\]|\\.)*'", message)
    if match is None:
        return b""
    try:
        value = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return b""
    return value if isinstance(value, bytes) else b""


def _parser_refused(exc: BaseException) -> bool:
    """True when aiohttp's HTTP parser rejected the reply (not when the peer went away)."""
    import aiohttp

    return isinstance(exc, aiohttp.ClientResponseError) and not isinstance(exc, aiohttp.ClientHttpProxyError)


def map_aiohttp_error(exc: BaseException, url: str, timeout: float | None = None, stage: str = "") -> CorsDoctorError:
    """Turn an aiohttp/asyncio/ssl exception into the cors-doctor error the httpx path would give.

    Most aiohttp errors carry the OS or TLS error in their chain, which map_transport_error
    reads; timeouts, hang-ups and parse errors are aiohttp's own and are translated here.
    """
    import aiohttp

    attempt = Attempt(url, timeout=timeout, stage=stage)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return timeout_error("connect", attempt, None)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return protocol_error(RuntimeError("server disconnected without sending a response"), attempt)
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return ConnectError(f"the proxy refused to reach {attempt.where}: {exc.status} {exc.message}")
    if isinstance(exc, aiohttp.ClientResponseError):
        # aiohttp quotes the bytes it could not parse: they tell an HTTP/2-only or TLS port apart,
        # the way the byte watcher of the single-check transport does.
        attempt = Attempt(url, timeout=timeout, stage=stage, first_bytes=quoted_reply_bytes(str(exc.message)))
        return protocol_error(RuntimeError(first_line(str(exc.message)) or str(exc)), attempt)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return protocol_error(RuntimeError(first_line(str(exc))), Attempt(url, timeout=timeout, stage="body"))
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        return UsageError(f"invalid URL {url!r}: {first_line(str(exc))}")
    return map_transport_error(exc, attempt)
