"""The httpx.AsyncClient of batch runs, over an httpcore pool whose connections read reply heads
as Chromium does (`_lenient.LenientHead`), without changing h11 for the rest of the process."""

from __future__ import annotations

import functools
import ssl
from typing import TYPE_CHECKING, Any

from cors_doctor.net._lenient import LenientHead

if TYPE_CHECKING:
    import httpx


@functools.cache
def _classes() -> tuple[type, type]:
    """The httpcore/httpx subclasses, built on first use so importing this module stays cheap."""
    import httpcore
    import httpx

    class Stream(httpcore.AsyncNetworkStream):
        def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
            self._inner = inner
            self._head = LenientHead()
            ssl_object = inner.get_extra_info("ssl_object")
            if ssl_object is not None and ssl_object.selected_alpn_protocol() == "h2":
                self._head.enabled = False

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            while True:
                data = await self._inner.read(max_bytes, timeout)
                passed = self._head.feed(data)
                if passed or not data:
                    return passed

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._head.request_sent()
            await self._inner.write(buffer, timeout)

        async def aclose(self) -> None:
            await self._inner.aclose()

        async def start_tls(
            self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore.AsyncNetworkStream:
            return Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.AsyncNetworkBackend):
        def __init__(self) -> None:
            self._inner = httpcore.AnyIOBackend()

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            return Stream(await self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

        async def sleep(self, seconds: float) -> None:
            await self._inner.sleep(seconds)

    class Body(httpx.AsyncByteStream):
        def __init__(self, stream: Any) -> None:
            self._stream = stream

        async def __aiter__(self) -> Any:
            async for chunk in self._stream:
                yield chunk

        async def aclose(self) -> None:
            if hasattr(self._stream, "aclose"):
                await self._stream.aclose()

    class Transport(httpx.AsyncBaseTransport):
        """httpx requests in, httpx responses out, over one httpcore pool; httpcore's own
        exceptions pass through unchanged for map_transport_error (as on the sync path)."""

        def __init__(self, pool: Any) -> None:
            self._pool = pool

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
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
            reply = await self._pool.handle_async_request(core_request)
            return httpx.Response(
                status_code=reply.status, headers=reply.headers, stream=Body(reply.stream), extensions=reply.extensions
            )

        async def aclose(self) -> None:
            await self._pool.aclose()

    return Backend, Transport


def lenient_async_client(
    concurrency: int, context: ssl.SSLContext, timeout: float, trust_env: bool
) -> httpx.AsyncClient:
    """An AsyncClient that follows no redirects, with a pool sized to `concurrency`."""
    import httpcore
    import httpx

    backend_class, transport_class = _classes()
    pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=max(1, concurrency),
        max_keepalive_connections=max(1, concurrency),
        network_backend=backend_class(),
    )
    return httpx.AsyncClient(
        transport=transport_class(pool), timeout=timeout, follow_redirects=False, trust_env=trust_env
    )
