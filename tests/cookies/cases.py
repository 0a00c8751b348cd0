"""Cookie cases for the live engines: one Set-Cookie line on a credentialed cross-origin reply,
then a second credentialed fetch() that reports which cookies came back.

Everything runs on loopback over http. The placements put page and API on
* cross-site: page http://localhost:P, API http://127.0.0.1:A (different sites),
* same-site-host: page http://localhost:P, API http://localhost:A (same site, other port),
* same-site-ip: page http://127.0.0.1:P, API http://127.0.0.1:A.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACEMENTS = ("cross-site", "same-site-host", "same-site-ip")
PAGE_HOST = {"cross-site": "localhost", "same-site-host": "localhost", "same-site-ip": "127.0.0.1"}
API_HOST = {"cross-site": "127.0.0.1", "same-site-host": "localhost", "same-site-ip": "127.0.0.1"}

SET_COOKIES: dict[str, str] = {
    "plain": "c=1",
    "lax": "c=1; SameSite=Lax",
    "strict": "c=1; SameSite=Strict",
    "unknown-samesite": "c=1; SameSite=Relaxed",
    "none-insecure": "c=1; SameSite=None",
    "none-secure": "c=1; SameSite=None; Secure",
    "secure-only": "c=1; Secure",
    "partitioned": "c=1; SameSite=None; Secure; Partitioned",
    "partitioned-insecure": "c=1; SameSite=None; Partitioned",
    "host-prefix": "__Host-c=1; SameSite=None; Secure; Path=/",
    "host-prefix-no-path": "__Host-c=1; SameSite=None; Secure",
    "secure-prefix-insecure": "__Secure-c=1; SameSite=None",
    "domain-elsewhere": "c=1; SameSite=None; Secure; Domain=example.com",
    "domain-ip": "c=1; SameSite=None; Secure; Domain=127.0.0.1",
    "path-elsewhere": "c=1; SameSite=None; Secure; Path=/elsewhere",
}


@dataclass(frozen=True)
class CookieCase:
    placement: str
    kind: str

    @property
    def id(self) -> str:
        return f"{self.placement}.{self.kind}"

    @property
    def set_cookie(self) -> str:
        return SET_COOKIES[self.kind]

    @property
    def cookie_name(self) -> str:
        return self.set_cookie.partition("=")[0]


CASES = tuple(CookieCase(p, k) for p in PLACEMENTS for k in SET_COOKIES)
