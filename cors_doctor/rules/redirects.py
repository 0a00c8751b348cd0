"""Following a redirect of the actual request the way a browser does (RDR-*)."""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.model import Headers, header_get
from cors_doctor.origin import resolve_url, url_parts

MAX_REDIRECTS = 20
_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})


@dataclass(frozen=True)
class RedirectTarget:
    url: str | None
    problem: str = ""  # "invalid-location" (not a URL), "location" (data:), "scheme" (another scheme) or "userinfo"
    location: str = ""


def redirect_target(current_url: str, headers: Headers) -> RedirectTarget:
    """Resolve Location against the current URL and reject what fetch() refuses (RDR-4/5)."""
    location = header_get(headers, "Location") or ""
    # A header value is bytes (kept as Latin-1 characters): a byte above 0x7F is percent-encoded
    # as that byte, not as the UTF-8 of the Latin-1 character it was read as.
    raw = "".join(f"%{ord(ch):02X}" if 0x80 <= ord(ch) <= 0xFF else ch for ch in location)
    target = resolve_url(current_url, raw)
    parts = url_parts(target) if target is not None else None
    if target is None or parts is None:
        return RedirectTarget(None, "invalid-location", location)
    target = target.split("#", 1)[0]  # the fragment stays with the page, never goes on the wire
    scheme, host, userinfo = parts
    if scheme not in {"http", "https"}:
        # Chromium: data: is an unsafe redirect; any other scheme fails the CORS scheme check.
        return RedirectTarget(None, "location" if scheme == "data" else "scheme", target)
    if not host:
        return RedirectTarget(None, "invalid-location", location)
    if userinfo:
        return RedirectTarget(None, "userinfo", location)
    return RedirectTarget(target, "", location)


def rewrite_for_redirect(
    status: int, method: str, headers: Headers, body: str | None
) -> tuple[str, Headers, str | None]:
    """RDR-6: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET, body dropped."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
        return "GET", kept, None
    return method, headers, body
