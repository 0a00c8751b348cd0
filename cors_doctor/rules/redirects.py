"""Following a redirect of the actual request the way a browser does (RDR-*)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from cors_doctor.model import Headers, header_get

MAX_REDIRECTS = 20
_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


@dataclass(frozen=True)
class RedirectTarget:
    url: str | None
    problem: str = ""  # "location" (unparsable / not http(s)) or "userinfo"
    location: str = ""


def redirect_target(current_url: str, headers: Headers) -> RedirectTarget:
    """Resolve Location against the current URL and reject what fetch() refuses (RDR-4/5)."""
    location = header_get(headers, "Location") or ""
    try:
        target = urljoin(current_url, location.strip())
        parts = urlsplit(target)
        _ = parts.port
    except ValueError:
        return RedirectTarget(None, "location", location)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return RedirectTarget(None, "location", location)
    if parts.username is not None or parts.password is not None:
        return RedirectTarget(None, "userinfo", location)
    return RedirectTarget(target, "", location)


def rewrite_for_redirect(status: int, method: str, headers: Headers, body: str | None) -> tuple[str, Headers, str | None]:
    """RDR-6: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET, body dropped."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
        return "GET", kept, None
    return method, headers, body
