"""The network layer: the only place httpx, httpcore, h11, h2 and aiohttp are imported.

It puts one `OutgoingRequest` on the wire and hands back the `Response` exactly as a browser
would read it, or raises a `cors_doctor.errors.TransportError` that says what broke. It follows
no redirects, keeps no cookies and adds no headers: what to send next is the Simulation's call.

    SendOptions      timeout, TLS trust, proxies from the environment, HTTP/2
    SyncSender       one check's requests, one at a time (check, demo, the Python API)
    make_sender      a shared asynchronous sender for batch runs: aiohttp (fast) or httpx (respx
                     can mock it); `as_sender` wraps a caller's httpx.AsyncClient
"""

from __future__ import annotations

from cors_doctor.net._sync import SyncSender
from cors_doctor.net.options import SendOptions, ssl_context
from cors_doctor.net.senders import (
    TRANSPORTS, AiohttpSender, HttpxSender, Sender, as_sender, make_async_client, make_sender,
)

__all__ = [
    "TRANSPORTS", "AiohttpSender", "HttpxSender", "SendOptions", "Sender", "SyncSender", "as_sender",
    "make_async_client", "make_sender", "ssl_context",
]
