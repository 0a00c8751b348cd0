"""The only module that talks HTTP: it sends what the Simulation asks for and feeds back replies.

Redirects are never followed by httpx (the Simulation decides, hop by hop), cookies are never
kept between requests (a preflight must not carry any), and bodies are read only up to a cap.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cors_doctor._exceptions import CorsDoctorError, UsageError, map_httpx_error
from cors_doctor.evaluate import Simulation
from cors_doctor.model import OutgoingRequest, Plan, Response, Verdict

if TYPE_CHECKING:
    import httpx

BODY_CAP = 64 * 1024
EXCERPT_CHARS = 2048


@dataclass(frozen=True)
class ProbeOptions:
    timeout: float = 10.0
    verify: bool = True
    cacert: str | None = None
    cookie: str | None = None
    send_actual: bool = False
    trust_env: bool = True


def _import_httpx():
    # httpx imports its optional CLI (click, rich, pygments) when those are installed; skip it.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    import httpx

    _parse_header_lines_like_chromium()
    return httpx


def _parse_header_lines_like_chromium() -> None:
    """Chromium reads `Name : value` (whitespace before the colon) as the header `Name`, where
    h11 rejects the whole reply. cors-doctor must judge what the browser sees, so h11's
    header-line pattern gets the same tolerance (and nothing else)."""
    import re

    from h11 import _abnf, _readers

    lenient = (
        rf"(?P<field_name>{_abnf.field_name}){_abnf.OWS}:{_abnf.OWS}"
        rf"(?P<field_value>{_abnf.field_value}){_abnf.OWS}"
    )
    if _readers.header_field_re.pattern != lenient.encode("ascii"):
        _readers.header_field_re = re.compile(lenient.encode("ascii"))


def _verify_setting(options: ProbeOptions):
    if not options.verify:
        return False
    if options.cacert:
        import ssl

        try:
            return ssl.create_default_context(cafile=options.cacert)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"--cacert {options.cacert}: {exc}") from None
    return True


def _to_response(resp: httpx.Response, body: bytes) -> Response:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw)
    return Response(
        status=resp.status_code,
        headers=headers,
        reason=resp.reason_phrase,
        body_excerpt=body[:EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS],
        http_version=resp.http_version,
    )


def _build(httpx, req: OutgoingRequest, timeout: float):
    content = req.body.encode("utf-8") if req.body is not None else None
    request = httpx.Request(req.method, req.url, headers=list(req.headers), content=content)
    request.method = req.method  # httpx uppercases; browsers send `patch` as written
    return request


class _Clients:
    """One client for http and one (built only when needed) for https, so the CA bundle is
    loaded only for https targets."""

    def __init__(self, options: ProbeOptions) -> None:
        self.httpx = _import_httpx()
        self.options = options
        self._clients: dict[str, httpx.Client] = {}

    def get(self, url: str) -> httpx.Client:
        scheme = "https" if url.startswith("https:") else "http"
        if scheme not in self._clients:
            self._clients[scheme] = self.httpx.Client(
                verify=_verify_setting(self.options) if scheme == "https" else False,
                timeout=self.options.timeout,
                follow_redirects=False,
                trust_env=self.options.trust_env,
            )
        return self._clients[scheme]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def send(clients: _Clients, req: OutgoingRequest) -> Response:
    """Send one request and read at most BODY_CAP bytes of the reply within the timeout."""
    httpx = clients.httpx
    client = clients.get(req.url)
    deadline = time.monotonic() + clients.options.timeout
    try:
        response = client.send(_build(httpx, req, clients.options.timeout), stream=True)
        try:
            body = bytearray()
            if req.method != "HEAD":
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) >= BODY_CAP or time.monotonic() > deadline:
                        break
            return _to_response(response, bytes(body[:BODY_CAP]))
        finally:
            response.close()
            client.cookies.clear()
    except CorsDoctorError:
        raise
    except Exception as exc:  # every transport failure becomes one cors-doctor error
        raise map_httpx_error(exc, req.url) from exc


def probe(plan: Plan, options: ProbeOptions) -> Verdict:
    """Run one check against the live server."""
    sim = Simulation(plan, send_actual=options.send_actual, cookie=options.cookie)
    clients = _Clients(options)
    try:
        for _ in range(64):  # preflight + actual for each of at most 21 hops
            req = sim.next_request()
            if req is None:
                break
            sim.feed(send(clients, req))
    finally:
        clients.close()
    return sim.verdict()


async def probe_async(plan: Plan, options: ProbeOptions, client: httpx.AsyncClient) -> Verdict:
    """Run one check on a shared AsyncClient (batch commands)."""
    httpx = _import_httpx()
    sim = Simulation(plan, send_actual=options.send_actual, cookie=options.cookie)
    for _ in range(64):
        req = sim.next_request()
        if req is None:
            break
        try:
            response = await client.send(_build(httpx, req, options.timeout), stream=True)
            try:
                body = bytearray()
                if req.method != "HEAD":
                    async for chunk in response.aiter_raw():
                        body += chunk
                        if len(body) >= BODY_CAP:
                            break
                result = _to_response(response, bytes(body[:BODY_CAP]))
            finally:
                await response.aclose()
                client.cookies.clear()
        except CorsDoctorError:
            raise
        except Exception as exc:
            raise map_httpx_error(exc, req.url) from exc
        sim.feed(result)
    return sim.verdict()
