"""How the single-check probe reaches a server: a whole-reply deadline and browser-like proxies.

httpx's timeouts apply to each socket operation, so a server that drips one byte a second
would hold a check forever; here every connect, handshake, read and write of a request draws
on one deadline. Proxies come from the environment as a browser on Linux takes them
(http_proxy, https_proxy, all_proxy, no_proxy), and loopback targets never go through one,
like Chrome's implicit bypass rules.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cors_doctor.errors import UsageError
from cors_doctor.net._errors import Attempt
from cors_doctor.net._lenient import LenientHead

if TYPE_CHECKING:
    import ssl

    import httpx

_FIRST_BYTES = 16


class Watch:
    """The request in flight: its deadline, and what it got to (for precise error messages)."""

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.timeout: float | None = None
        self.stage = ""
        self.peer = ""
        self.received = 0
        self.first_bytes = b""

    def start(self, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.stage, self.peer, self.received, self.first_bytes = "", "", 0, b""

    def shorten(self, seconds: float) -> None:
        """Give the rest of the request at most `seconds` more."""
        limit = time.monotonic() + seconds
        self.deadline = limit if self.deadline is None else min(self.deadline, limit)

    def budget(self, timeout: float | None, kind: str) -> float | None:
        """The time the next socket operation may take; raises the matching timeout when none is left."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            import httpcore

            raise {"connect": httpcore.ConnectTimeout, "write": httpcore.WriteTimeout}.get(kind, httpcore.ReadTimeout)(
                "the request's time is up"
            )
        return left if timeout is None else min(timeout, left)

    def got(self, data: bytes) -> None:
        if self.stage in ("", "send"):
            self.stage = "head"
        if len(self.first_bytes) < _FIRST_BYTES:
            self.first_bytes += data[: _FIRST_BYTES - len(self.first_bytes)]
        self.received += len(data)

    def attempt(self, url: str, route: Route) -> Attempt:
        return Attempt(
            url,
            self.timeout,
            self.stage,
            self.peer,
            route.proxy_display,
            route.proxy_source,
            self.received,
            self.first_bytes,
        )


@dataclass(frozen=True)
class Route:
    """Whether a URL is fetched directly or through a proxy, and which variable named it."""

    proxy: str | None = None
    proxy_source: str = ""

    @property
    def proxy_display(self) -> str:
        if not self.proxy:
            return ""
        from urllib.parse import urlsplit

        parts = urlsplit(self.proxy)
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def choose_route(url: str, trust_env: bool, environ: dict[str, str] | None = None) -> Route:
    """The proxy a browser on Linux would use for `url`, from the environment."""
    from urllib.parse import urlsplit

    if not trust_env:
        return Route()
    env = os.environ if environ is None else environ
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _implicitly_direct(host):
        return Route()
    for name in (f"{parts.scheme}_proxy", "all_proxy"):
        value, source = _env(env, name)
        if value:
            break
    else:
        return Route()
    no_proxy, _ = _env(env, "no_proxy")
    if _bypassed(host, parts.port or (443 if parts.scheme == "https" else 80), no_proxy or ""):
        return Route()
    proxy = value if "://" in value else f"http://{value}"
    scheme = proxy.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise UsageError(
            f"{source}={value!r}: only http:// and https:// proxies are supported",
            hint=f"unset {source}, or add the host to NO_PROXY",
        )
    return Route(proxy, source)


def _env(env, name: str) -> tuple[str, str]:
    """Lowercase wins over uppercase, as in curl; HTTP_PROXY is ignored under CGI (httpoxy)."""
    for key in (name, name.upper()):
        if key == "HTTP_PROXY" and "REQUEST_METHOD" in env:
            continue
        value = env.get(key, "").strip()
        if value:
            return value, key
    return "", ""


def _implicitly_direct(host: str) -> bool:
    """Chrome never proxies localhost, *.localhost, loopback or link-local addresses."""
    bare = host.strip("[]")
    if bare == "localhost" or bare.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return False
    return address.is_loopback or address.is_link_local


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    """no_proxy: comma-separated names (suffix match), IPs, CIDR ranges, optional :port, or '*'."""
    bare = host.strip("[]")
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry_port = None
        if entry.count(":") == 1 or (entry.startswith("[") and "]:" in entry):
            entry, _, port_text = entry.rpartition(":")
            entry_port = int(port_text) if port_text.isdigit() else None
            if entry_port is not None and entry_port != port:
                continue
        entry = entry.strip("[]").lstrip("*").lstrip(".")
        if "/" in entry:
            try:
                if ipaddress.ip_address(bare) in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if bare == entry or bare.endswith("." + entry):
            return True
    return False


@functools.cache
def _wire_classes():
    """The httpcore/httpx subclasses, built on first use so importing this module stays cheap."""
    import httpcore
    import httpx

    class Stream(httpcore.NetworkStream):
        """A socket stream whose every operation is bounded by the request's deadline."""

        def __init__(self, inner: httpcore.NetworkStream, watch: Watch) -> None:
            self._inner, self._watch = inner, watch
            self._head = LenientHead()
            ssl_object = inner.get_extra_info("ssl_object")
            if ssl_object is not None and ssl_object.selected_alpn_protocol() == "h2":
                self._head.enabled = False  # HTTP/2 frames are binary: nothing to normalise

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            while True:
                data = self._inner.read(max_bytes, self._watch.budget(timeout, "read"))
                self._watch.got(data)
                passed = self._head.feed(data)
                if passed or not data:
                    return passed

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            if self._watch.stage in ("", "connect", "tls"):
                self._watch.stage = "send"
            self._head.request_sent()
            self._inner.write(buffer, self._watch.budget(timeout, "write"))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore.NetworkStream:
            self._watch.stage = "tls"
            self._watch.received, self._watch.first_bytes = 0, b""  # a proxy's CONNECT reply is not the server's
            inner = self._inner.start_tls(ssl_context, server_hostname, self._watch.budget(timeout, "connect"))
            return Stream(inner, self._watch)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        """Plain sockets, wrapped in Stream; records which host:port is being dialled."""

        def __init__(self, watch: Watch) -> None:
            self._inner, self._watch = httpcore.SyncBackend(), watch

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options=None,
        ) -> httpcore.NetworkStream:
            self._watch.stage = "connect"
            self._watch.peer = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            stream = self._inner.connect_tcp(
                host, port, self._watch.budget(timeout, "connect"), local_address, socket_options
            )
            return Stream(stream, self._watch)

        def sleep(self, seconds: float) -> None:
            self._inner.sleep(seconds)

    class Body(httpx.SyncByteStream):
        def __init__(self, stream) -> None:
            self._stream = stream

        def __iter__(self):
            yield from self._stream

        def close(self) -> None:
            if hasattr(self._stream, "close"):
                self._stream.close()

    class Transport(httpx.BaseTransport):
        """httpx requests in, httpx responses out, over one httpcore pool; httpcore's own
        exceptions pass through unchanged for map_transport_error."""

        def __init__(self, pool) -> None:
            self._pool = pool

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            core_request = httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=request.url.raw_scheme,
                    host=request.url.raw_host,
                    port=request.url.port,
                    target=request.url.raw_path,
                ),
                headers=request.headers.raw,
                content=request.stream,
                extensions=request.extensions,
            )
            reply = self._pool.handle_request(core_request)
            return httpx.Response(
                status_code=reply.status, headers=reply.headers, stream=Body(reply.stream), extensions=reply.extensions
            )

        def close(self) -> None:
            self._pool.close()

    return Backend, Transport


def make_transport(route: Route, ssl_context: ssl.SSLContext | None, http2: bool, watch: Watch) -> httpx.BaseTransport:
    """An httpx transport over httpcore whose sockets all answer to `watch`."""
    import httpcore
    import httpx

    backend_class, transport_class = _wire_classes()
    backend = backend_class(watch)
    pool: httpcore.ConnectionPool | httpcore.HTTPProxy
    if route.proxy:
        proxy = httpx.URL(route.proxy)
        auth = (proxy.username, proxy.password) if proxy.username else None
        pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(scheme=proxy.raw_scheme, host=proxy.raw_host, port=proxy.port, target=b"/"),
            proxy_auth=auth,
            ssl_context=ssl_context,
            http2=http2,
            network_backend=backend,
        )
    else:
        pool = httpcore.ConnectionPool(ssl_context=ssl_context, http2=http2, network_backend=backend)
    return transport_class(pool)
