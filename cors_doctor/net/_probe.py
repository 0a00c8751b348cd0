"""The only module that talks HTTP: it sends what the Simulation asks for and feeds back replies.

Redirects are never followed by httpx (the Simulation decides, hop by hop), there is no cookie
jar (a preflight never carries cookies, a Set-Cookie never leaks into a later request), bodies
are read only up to a cap, and each request must be complete within the timeout.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cors_doctor.errors import CorsDoctorError, RejectedReply, UsageError, map_transport_error
from cors_doctor.net._transport import Route, Watch, choose_route, make_transport
from cors_doctor.evaluate import Simulation
from cors_doctor.model import OutgoingRequest, Plan, Response, Verdict
from cors_doctor.rules.redirects import MAX_REDIRECTS

if TYPE_CHECKING:
    import httpx

    from cors_doctor.net.senders import Sender

BODY_CAP = 64 * 1024
EXCERPT_CHARS = 2048
BODY_WAIT = 2.0  # the body is only shown as an excerpt: an SSE stream must not hold the check
MAX_REQUESTS = 2 * (MAX_REDIRECTS + 1)  # a preflight and an actual request for each of 21 hops


@dataclass(frozen=True)
class ProbeOptions:
    """How a check is sent: time limit per request, TLS trust, the browser's cookies, whether
    state-changing methods may go out, proxies from the environment, HTTP/2."""

    timeout: float = 10.0
    verify: bool = True
    cacert: str | None = None
    cookie: str | None = None
    send_actual: bool = False
    trust_env: bool = True
    http2: bool = False  # offer HTTP/2 to https servers (ALPN), as browsers do


def _import_httpx():
    # httpx imports its optional CLI (click, rich, pygments) when those are installed; skip it.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    import httpx

    _parse_header_lines_like_chromium()
    return httpx


def _parse_header_lines_like_chromium() -> None:
    """Read reply header lines the way Chromium does, where h11 rejects the whole reply:
    `Name : value` (whitespace before the colon) is the header `Name`; a line without a colon, or
    whose name is empty or not a token, is skipped; a bare CR inside a value is kept. A NUL byte
    anywhere in the head is still refused (Chromium: net::ERR_INVALID_HTTP_RESPONSE). Request
    header values may carry any byte but NUL, CR and LF, as page script's may.
    cors-doctor must judge what the browser sees (cases line-* of the conformance suite)."""
    import re

    from h11 import _headers, _readers

    # Outgoing values: fetch() refuses only NUL, CR and LF, and Chromium puts anything else on the
    # wire as written (a vertical tab in wpt-ct-vertical-tab), where h11 refuses control bytes.
    _headers._field_value_re = re.compile(rb"[^\x00\r\n]*")
    if getattr(_readers._decode_header_lines, "like_chromium", False):
        return
    from cors_doctor.rules.safelist import is_token

    def decode_header_lines(lines):
        for line in _readers._obsolete_line_fold(lines):
            if b"\x00" in line:
                raise _readers.LocalProtocolError(f"NUL byte in a header line: {bytes(line)!r}")
            name, colon, value = bytes(line).partition(b":")
            name = name.strip(b" \t")
            if colon and is_token(name.decode("latin-1")):
                yield name, value.strip(b" \t")

    decode_header_lines.like_chromium = True  # type: ignore[attr-defined]
    _readers._decode_header_lines = decode_header_lines


def _verify_setting(options: ProbeOptions):
    """The TLS context: the system's trust store like a browser (SSL_CERT_FILE and SSL_CERT_DIR
    are honoured), only --cacert's CAs when given, or no verification with --insecure."""
    import ssl

    if not options.verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        if options.cacert:
            return ssl.create_default_context(cafile=options.cacert)
        paths = ssl.get_default_verify_paths()
        if paths.cafile or paths.capath:
            return ssl.create_default_context()
        import certifi  # no system trust store (a slim container): fall back to Mozilla's roots

        return ssl.create_default_context(cafile=certifi.where())
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"--cacert {options.cacert}: cannot load it as PEM certificates ({exc})") from None


def excerpt(body: bytes) -> str:
    """The start of a reply body as text, for fingerprints and error hints."""
    return body[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS]


def _to_response(resp: httpx.Response, body: bytes) -> Response:
    # Header bytes above 0x7F (obs-text) are kept as the Latin-1 characters browsers map them to.
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw)
    reason = resp.extensions.get("reason_phrase", b"")
    return Response(
        status=resp.status_code,
        headers=headers,
        reason=reason.decode("latin-1") if isinstance(reason, bytes) else resp.reason_phrase,
        body_excerpt=excerpt(body),
        http_version=resp.http_version,
    )


def _header_bytes(name: str, value: str) -> tuple[bytes, bytes]:
    # Script-set values are ByteStrings (one byte per character up to U+00FF); the cookie jar holds UTF-8.
    encoding = "utf-8" if name.lower() == "cookie" else "latin-1"
    return name.encode("ascii"), value.encode(encoding, "replace")


def _build(httpx, req: OutgoingRequest, timeout: float):
    content = req.body.encode("utf-8") if req.body is not None else None
    headers = [_header_bytes(name, value) for name, value in req.headers]
    request = httpx.Request(req.method, req.url, headers=headers, content=content,
                            extensions={"timeout": httpx.Timeout(timeout).as_dict()})
    request.method = req.method  # httpx uppercases; browsers send `patch` as written
    return request


class _Clients:
    """The transports of one check, by route (direct, or through which proxy) and scheme, all
    bound to one Watch; the CA bundle is loaded only when an https URL comes up."""

    def __init__(self, options: ProbeOptions) -> None:
        self.httpx = _import_httpx()
        self.options = options
        self.watch = Watch()
        self._transports: dict[tuple[Route, bool], httpx.BaseTransport] = {}
        self._ssl_context = None
        if options.http2:
            import importlib.util

            if importlib.util.find_spec("h2") is None:
                raise UsageError("--http2 needs the h2 package", hint="pip install 'cors-doctor[http2]' (or pip install h2)")

    def route(self, url: str) -> Route:
        return choose_route(url, self.options.trust_env)

    def get(self, url: str, route: Route) -> httpx.BaseTransport:
        https = url.startswith("https:")
        key = (route, https)
        if key not in self._transports:
            needs_tls = https or (route.proxy or "").startswith("https:")
            if needs_tls and self._ssl_context is None:
                self._ssl_context = _verify_setting(self.options)
            self._transports[key] = make_transport(
                route, self._ssl_context if needs_tls else None, self.options.http2 and https, self.watch,
            )
        return self._transports[key]

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()


def send(clients: _Clients, req: OutgoingRequest) -> Response:
    """Send one request; the whole reply must come within the timeout, the body only up to
    BODY_CAP bytes and BODY_WAIT seconds (a slow or endless body does not change the verdict)."""
    httpx = clients.httpx
    watch = clients.watch
    route = clients.route(req.url)
    transport = clients.get(req.url, route)
    watch.start(clients.options.timeout)
    try:
        response = transport.handle_request(_build(httpx, req, clients.options.timeout))
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
        return _to_response(response, bytes(body[:BODY_CAP]))
    finally:
        response.close()  # unread body left: the connection is dropped, never drained


def is_timeout(exc: BaseException) -> bool:
    """httpx's, asyncio's and the builtin timeouts alike (a slow body is cut, not an error)."""
    return isinstance(exc, TimeoutError) or any(k.__name__ == "TimeoutException" for k in type(exc).__mro__)


def probe(plan: Plan, options: ProbeOptions) -> Verdict:
    """Run one check against the live server."""
    if options.cookie and any(ch in options.cookie for ch in "\r\n\x00"):
        raise UsageError("--cookie contains CR, LF or NUL; a Cookie header is one line")
    sim = Simulation(plan, send_actual=options.send_actual, cookie=options.cookie)
    clients = _Clients(options)
    try:
        for _ in range(MAX_REQUESTS):
            req = sim.next_request()
            if req is None:
                break
            if req.kind == "actual" and req.method.upper() not in ("GET", "HEAD") and not options.send_actual:
                raise CorsDoctorError(f"refusing to send {req.method} {req.url} without --actual")
            try:
                response = send(clients, req)
            except RejectedReply as exc:  # the browser's network error is the verdict
                sim.feed(None, exc.net_error)
                continue
            sim.feed(response)
        else:
            if sim.next_request() is not None:
                raise CorsDoctorError(f"the check did not finish within {MAX_REQUESTS} requests")
    finally:
        clients.close()
    return sim.verdict()


async def probe_async(plan: Plan, options: ProbeOptions, client: httpx.AsyncClient | Sender) -> Verdict:
    """Run one check on a shared client (batch commands): an httpx.AsyncClient, or a sender from
    cors_doctor.net.senders such as the aiohttp one batch runs use by default."""
    from cors_doctor.net.senders import as_sender

    sender = as_sender(client)
    sim = Simulation(plan, send_actual=options.send_actual, cookie=options.cookie)
    for _ in range(MAX_REQUESTS):
        req = sim.next_request()
        if req is None:
            break
        try:
            response = await sender.exchange(req, options.timeout)
        except RejectedReply as exc:  # the browser's network error is the verdict, as in probe()
            sim.feed(None, exc.net_error)
            continue
        sim.feed(response)
    return sim.verdict()
