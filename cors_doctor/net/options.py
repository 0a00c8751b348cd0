"""How requests reach a server: time limit, TLS trust, proxies from the environment, HTTP/2.

These are transport settings only. What the browser does (the plan, whether the actual request
may be sent, the cookies it holds) is decided above this layer, in `cors_doctor.pipeline`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cors_doctor.errors import UsageError

if TYPE_CHECKING:
    import ssl


@dataclass(frozen=True)
class SendOptions:
    """Transport settings of one check, or of every check of a batch that shares them."""

    timeout: float = 10.0
    verify: bool = True
    cacert: str | None = None
    trust_env: bool = True
    http2: bool = False  # offer HTTP/2 to https servers (ALPN), as browsers do

    def __post_init__(self) -> None:
        if not (isinstance(self.timeout, (int, float)) and math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"timeout must be a positive, finite number of seconds, not {self.timeout!r}")

    @property
    def tls_key(self) -> tuple[bool, str | None, bool, bool]:
        """What a connection pool depends on: checks that agree on it can share one pool."""
        return (self.verify, self.cacert, self.trust_env, self.http2)


def ssl_context(options: SendOptions) -> ssl.SSLContext:
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
