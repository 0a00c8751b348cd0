"""The errors cors-doctor reports as one line and exit code 2.

The network layer (`cors_doctor.net`) turns httpx, httpcore, h11, h2, aiohttp, ssl and socket
failures into the TransportError branch, next to the libraries it translates.

    CorsDoctorError
    ├── UsageError          bad command-line input or input file
    └── TransportError      the target could not be asked
        ├── ConnectError    DNS failure, connection refused, unreachable, proxy failure
        ├── TLSError        certificate or handshake failure
        ├── TimeoutError_   connect, TLS or read timeout, or the reply took longer than --timeout
        └── ProtocolError   the server broke HTTP (closed mid-reply, garbage, headers too large)
"""

from __future__ import annotations


class CorsDoctorError(Exception):
    """Base class: something cors-doctor cannot judge, reported as one line."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class UsageError(CorsDoctorError):
    """The command line or an input file is invalid."""


class TransportError(CorsDoctorError):
    """The request could not be completed over the network."""


class ConnectError(TransportError):
    """The server could not be reached (DNS, refused, unreachable, proxy)."""


class TLSError(TransportError):
    """The TLS handshake or the certificate check failed."""

    hint = 'pass --cacert FILE to trust a private CA (mkcert: --cacert "$(mkcert -CAROOT)/rootCA.pem"), or --insecure to skip verification'


class TimeoutError_(TransportError):
    """The server did not connect or answer within --timeout."""


class ProtocolError(TransportError):
    """The server sent something that is not valid HTTP, or closed the connection mid-reply."""


class RejectedReply(ProtocolError):
    """The server answered, with bytes a browser refuses to read: the browser's network error
    (`net_error`, Chromium's name) is the verdict, not a failure to reach the server."""

    def __init__(self, message: str, net_error: str) -> None:
        super().__init__(message)
        self.net_error = net_error
