"""Following a redirect of the actual request the way a browser does (RDR-*)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from cors_doctor.model import Headers, header_get

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
    try:
        target = resolve_location(current_url, location)
        parts = urlsplit(target)
        _ = parts.port
    except ValueError:
        return RedirectTarget(None, "invalid-location", location)
    if parts.scheme not in {"http", "https"}:
        # Chromium: data: is an unsafe redirect; any other scheme fails the CORS scheme check.
        return RedirectTarget(None, "location" if parts.scheme == "data" else "scheme", target)
    if not parts.hostname:
        return RedirectTarget(None, "invalid-location", location)
    if parts.username is not None or parts.password is not None:
        return RedirectTarget(None, "userinfo", location)
    return RedirectTarget(target, "", location)


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_PATH_ENCODE = frozenset(' "<>`{}') | {chr(c) for c in range(0x20)} | {"\x7f"}
_QUERY_ENCODE = frozenset(' "<>\'') | {chr(c) for c in range(0x20)} | {"\x7f"}


def resolve_location(base: str, location: str) -> str:
    """A Location value parsed against `base` as the URL Standard parses it for http(s) (the
    parts that differ from RFC 3986 joining): leading and trailing C0 controls and spaces are
    stripped, tabs and newlines removed anywhere, `\\` is a `/`, `http:path` with the base's
    scheme is relative, extra slashes before the host are skipped, the fragment is dropped and
    spaces, quotes, angle brackets and non-ASCII are percent-encoded. Raises ValueError when the
    result has no valid host (Chromium: net::ERR_INVALID_REDIRECT)."""
    text = location.strip("".join(chr(c) for c in range(0x21)))
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    base_scheme = urlsplit(base).scheme
    match = _SCHEME.fullmatch(text)
    scheme = match[1].lower() if match else ""
    if match and scheme not in ("http", "https"):
        return text  # another scheme: not followed (the caller reports it)
    rest = (match[2] if match else text)
    head, sep, tail = rest.partition("?") if "?" in rest else rest.partition("#")
    rest = head.replace("\\", "/") + sep + tail
    if match and scheme != base_scheme:
        rest = scheme + "://" + rest.lstrip("/")
    elif rest.startswith("//"):
        rest = (scheme + ":" if match else "") + "//" + rest.lstrip("/")
    target = urljoin(base, rest)
    parts = urlsplit(target)
    if not parts.hostname or any(ch in parts.netloc for ch in " <>^|"):
        raise ValueError(f"no valid host in {location!r}")
    path = "".join(_encode(ch, _PATH_ENCODE) for ch in parts.path) or "/"
    query = "".join(_encode(ch, _QUERY_ENCODE) for ch in parts.query)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _encode(ch: str, unsafe: frozenset[str]) -> str:
    if ch in unsafe or ord(ch) > 0x7E:
        return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
    return ch


def rewrite_for_redirect(status: int, method: str, headers: Headers, body: str | None) -> tuple[str, Headers, str | None]:
    """RDR-6: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET, body dropped."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
        return "GET", kept, None
    return method, headers, body
