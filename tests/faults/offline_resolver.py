"""Run the cors-doctor CLI with a resolver that knows only loopback: every other name fails
as NXDOMAIN (`Name or service not known`) without a packet leaving the machine.

The system resolver here sends even reserved names such as `nonexistent.invalid` to the
configured DNS server, so tests that need a DNS failure, or host names only a proxy knows,
run the CLI through this file: `python offline_resolver.py check URL --origin ...`.
"""

from __future__ import annotations

import ipaddress
import socket
import sys

_system_getaddrinfo = socket.getaddrinfo


def _is_loopback(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def offline_getaddrinfo(host, *args, **kwargs):
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    if name is not None and not _is_loopback(name):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _system_getaddrinfo(host, *args, **kwargs)


def _keep_aiohttp_on_getaddrinfo() -> None:
    """With aiodns installed, aiohttp would resolve on its own sockets, past the patch above."""
    try:
        import aiodns  # noqa: F401
    except ImportError:
        return
    import aiohttp.connector
    import aiohttp.resolver

    aiohttp.resolver.DefaultResolver = aiohttp.connector.DefaultResolver = aiohttp.resolver.ThreadedResolver


if __name__ == "__main__":
    socket.getaddrinfo = offline_getaddrinfo
    _keep_aiohttp_on_getaddrinfo()
    sys.argv[0] = "cors-doctor"
    from cors_doctor.cli import main

    main()
