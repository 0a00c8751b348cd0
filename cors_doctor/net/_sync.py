"""One check's requests, sent one at a time over httpx transports on httpcore pools.

Redirects are never followed (the Simulation decides, hop by hop), there is no cookie jar (a
preflight never carries cookies, a Set-Cookie never leaks into a later request), bodies are read
only up to a cap, and each request must be complete within the timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.errors import UsageError
from cors_doctor.model import OutgoingRequest, Response
from cors_doctor.net._errors import map_transport_error
from cors_doctor.net._transport import Route, Watch, choose_route, make_transport
from cors_doctor.net._wire import BODY_CAP, BODY_WAIT, build_request, import_httpx, is_timeout, to_response
from cors_doctor.net.options import SendOptions, ssl_context

if TYPE_CHECKING:
    import ssl

    import httpx


class SyncSender:
    """The transports of one check, by route (direct, or through which proxy) and scheme, all
    bound to one Watch; the CA bundle is loaded only when an https URL comes up."""

    def __init__(self, options: SendOptions) -> None:
        self.httpx = import_httpx()
        self.options = options
        self.watch = Watch()
        self._transports: dict[tuple[Route, bool], httpx.BaseTransport] = {}
        self._ssl_context: ssl.SSLContext | None = None
        if options.http2:
            import importlib.util

            if importlib.util.find_spec("h2") is None:
                raise UsageError(
                    "--http2 needs the h2 package", hint="pip install 'cors-doctor[http2]' (or pip install h2)"
                )

    def __enter__(self) -> SyncSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _transport(self, url: str, route: Route) -> httpx.BaseTransport:
        https = url.startswith("https:")
        key = (route, https)
        if key not in self._transports:
            needs_tls = https or (route.proxy or "").startswith("https:")
            if needs_tls and self._ssl_context is None:
                self._ssl_context = ssl_context(self.options)
            self._transports[key] = make_transport(
                route,
                self._ssl_context if needs_tls else None,
                self.options.http2 and https,
                self.watch,
            )
        return self._transports[key]

    def exchange(self, req: OutgoingRequest) -> Response:
        """Send one request; the whole reply must come within the timeout, the body only up to
        BODY_CAP bytes and BODY_WAIT seconds (a slow or endless body does not change the verdict)."""
        watch = self.watch
        route = choose_route(req.url, self.options.trust_env)
        transport = self._transport(req.url, route)
        watch.start(self.options.timeout)
        try:
            response = transport.handle_request(build_request(self.httpx, req, self.options.timeout))
        except Exception as exc:  # every transport failure becomes one cors-doctor error
            raise map_transport_error(exc, watch.attempt(req.url, route)) from exc
        try:
            watch.stage = "body"
            watch.shorten(BODY_WAIT)
            body = bytearray()
            if req.method != "HEAD":
                try:
                    for chunk in response.iter_raw():
                        body += chunk
                        if len(body) >= BODY_CAP:
                            break
                except Exception as exc:
                    if not is_timeout(exc):
                        raise map_transport_error(exc, watch.attempt(req.url, route)) from exc
            return to_response(response, bytes(body[:BODY_CAP]))
        finally:
            response.close()  # unread body left: the connection is dropped, never drained

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()
