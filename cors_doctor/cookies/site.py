"""Sites: the registrable domain of a host (Public Suffix List) and the same-site test.

Two URLs are same-site when their registrable domains are equal; browsers with schemeful
same-site also require the same scheme, so http://app.example.com and https://api.example.com
are cross-site. Ports never matter. IP addresses and single-label hosts (localhost) are their
own site.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from typing import Any


@functools.lru_cache(maxsize=1)
def _suffix_list() -> Any:
    # Loaded on first use only: the list is ~0.05 s to build and most checks carry no cookies.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """`api.example.co.uk` -> `example.co.uk`; IPs, `localhost` and bare public suffixes stay as they are."""
    host = host.lower().rstrip(".")
    if is_ip(host) or "." not in host:
        return host
    return _suffix_list().privatesuffix(host) or host


def is_public_suffix(domain: str) -> bool:
    """True for `com`, `co.uk`, `github.io`: a cookie Domain no one may set."""
    domain = domain.lower().rstrip(".")
    if is_ip(domain) or domain == "localhost":
        return False
    return bool(_suffix_list().is_public(domain))


@dataclass(frozen=True)
class Site:
    scheme: str
    domain: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.domain}"


def site_of(scheme: str, host: str) -> Site:
    return Site(scheme.lower(), registrable_domain(host))


def same_site(a: Site, b: Site, *, schemeful: bool) -> bool:
    return a.domain == b.domain and (not schemeful or a.scheme == b.scheme)


def domain_matches(host: str, domain: str) -> bool:
    """RFC 6265bis domain-match: the host is the domain, or a subdomain of it (never for IPs)."""
    host, domain = host.lower(), domain.lower()
    if host == domain:
        return True
    return not is_ip(host) and host.endswith("." + domain)
