"""The network layer: the only place httpx, httpcore, h11, h2 and aiohttp are imported.

It puts one `OutgoingRequest` on the wire and hands back the `Response` exactly as a browser
would read it, or raises a `cors_doctor.errors.TransportError` that says what broke. It follows
no redirects, keeps no cookies and adds no headers: what to send next is the Simulation's call.

    SendOptions      timeout, TLS trust, proxies from the environment, HTTP/2
    SyncSender       one check's requests, one at a time (check, demo, the Python API)
    AsgiSender       an ASGI application in this process (the Python API's `app=`)
    WsgiSender       a WSGI application in this process, called in the caller's thread
    make_sender      a shared asynchronous sender for batch runs: aiohttp (fast) or httpx (respx
                     can mock it); `as_sender` wraps a caller's httpx.AsyncClient
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cors_doctor.net._sync import SyncSender
from cors_doctor.net._wire import use_browser_limits
from cors_doctor.net.options import SendOptions, ssl_context

if TYPE_CHECKING:
    from cors_doctor.net._inprocess import AsgiSender, WsgiSender, framework_of, in_process_sender, is_asgi
    from cors_doctor.net.senders import (
        TRANSPORTS,
        AiohttpSender,
        HttpxSender,
        Sender,
        as_sender,
        make_async_client,
        make_sender,
    )

# A single check needs only SyncSender: the batch senders and the in-process callers are loaded
# on first use (start-up time is measured in benchmarks/startup.py).
_LAZY = {
    **dict.fromkeys(("AsgiSender", "WsgiSender", "framework_of", "in_process_sender", "is_asgi"), "_inprocess"),
    **dict.fromkeys(
        ("TRANSPORTS", "AiohttpSender", "HttpxSender", "Sender", "as_sender", "make_async_client", "make_sender"),
        "senders",
    ),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f"cors_doctor.net.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'cors_doctor.net' has no attribute {name!r}")


__all__ = [
    "TRANSPORTS",
    "AiohttpSender",
    "AsgiSender",
    "HttpxSender",
    "SendOptions",
    "Sender",
    "SyncSender",
    "WsgiSender",
    "as_sender",
    "framework_of",
    "in_process_sender",
    "is_asgi",
    "make_async_client",
    "make_sender",
    "ssl_context",
    "use_browser_limits",
]
