"""Following a redirect of the actual request the way a browser does (RDR-*)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from cors_doctor.model import Headers, header_get

MAX_REDIRECTS = 20
_BODY_HEADERS = frozenset({"content-encoding", "content-language", "content-location", "content-type"})
# The URL parser drops leading and trailing C0 controls and spaces and every tab and newline,
# and percent-encodes the remaining controls, spaces and non-ASCII in the path, query and fragment.
_STRIPPED = "".join(map(chr, range(0x21)))
_ENCODED = re.compile("[\x00-\x20\x7f-\U0010ffff]")


def _percent_encode(text: str) -> str:
    def encode(match: re.Match[str]) -> str:
        char = match.group()
        return quote(char.encode("latin-1") if ord(char) < 0x100 else char.encode(), safe="")

    return _ENCODED.sub(encode, text)


@dataclass(frozen=True)
class RedirectTarget:
    url: str | None
    problem: str = ""  # "location" (unparsable / not http(s)) or "userinfo"
    location: str = ""


def redirect_target(current_url: str, headers: Headers) -> RedirectTarget:
    """Resolve Location against the current URL and reject what fetch() refuses (RDR-4/5)."""
    location = header_get(headers, "Location") or ""
    cleaned = location.strip(_STRIPPED).replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        parts = urlsplit(urljoin(current_url, cleaned))
        _ = parts.port
    except ValueError:
        return RedirectTarget(None, "location", location)
    if parts.scheme not in {"http", "https"} or not parts.hostname or _ENCODED.search(parts.netloc):
        return RedirectTarget(None, "location", location)  # a control or space in the host: no URL
    if parts.username is not None or parts.password is not None:
        return RedirectTarget(None, "userinfo", location)
    target = urlunsplit((parts.scheme, parts.netloc, _percent_encode(parts.path), _percent_encode(parts.query),
                         _percent_encode(parts.fragment)))
    return RedirectTarget(target, "", location)


def rewrite_for_redirect(status: int, method: str, headers: Headers, body: str | None) -> tuple[str, Headers, str | None]:
    """RDR-6: 301/302 turn POST into GET, 303 turns anything but GET/HEAD into GET, body dropped."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
        return "GET", kept, None
    return method, headers, body
