"""The CORS check run on every response while tainting is `cors` (Fetch "CORS check", CHK-*).

The decision follows Chromium's `CheckAccess`: Access-Control-Allow-Origin is compared
byte-for-byte with the serialized origin, and only when that fails does Chromium classify the
value (multiple, invalid, mismatch) to pick its console message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from cors_doctor.model import Headers, header_values

FailureKind = Literal["missing", "multiple", "invalid", "mismatch", "wildcard", "credentials"]
_SPECIAL_SCHEMES = {"http", "https", "ws", "wss", "ftp", "file"}


@dataclass(frozen=True)
class AccessFailure:
    """Why the CORS check failed, with the value the browser quotes in its message."""

    kind: FailureKind
    hint: str = ""
    lines: int = 0  # how many Access-Control-Allow-Origin lines the reply had


def _looks_like_valid_url(value: str) -> bool:
    """Approximates Chromium's GURL validity check used only to choose the message."""
    try:
        value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False  # bytes that are not UTF-8 make GURL invalid
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    scheme = parts.scheme
    if not scheme or not scheme[0].isalpha() or ":" not in value:
        return False
    if scheme.lower() in _SPECIAL_SCHEMES and scheme.lower() != "file":
        host = parts.netloc.rsplit("@", 1)[-1]
        if not host or any(ch in host for ch in " <>\\^|%"):
            return False
    return True


def _get(headers: Headers, name: str) -> str:
    """Fetch "get": every line's value, stripped by the HTTP parser, joined with ", "."""
    return ", ".join(v.strip(" \t") for v in header_values(headers, name))


def check_access(headers: Headers, serialized_origin: str, credentials: bool) -> AccessFailure | None:
    """Run the CORS check on one reply; None when the browser lets it through."""
    acao_lines = header_values(headers, "Access-Control-Allow-Origin")
    if not acao_lines:
        return AccessFailure("missing")
    allow_origin = _get(headers, "Access-Control-Allow-Origin")
    lines = len(acao_lines)
    if allow_origin == "*":
        if credentials:
            return AccessFailure("wildcard", "*", lines)
    elif allow_origin != serialized_origin:
        if any(ch in allow_origin for ch in " ,"):
            return AccessFailure("multiple", allow_origin, lines)
        if allow_origin == "null" or _looks_like_valid_url(allow_origin):
            return AccessFailure("mismatch", allow_origin, lines)
        return AccessFailure("invalid", allow_origin, lines)
    if credentials:
        acac = _get(headers, "Access-Control-Allow-Credentials")
        if acac != "true":
            return AccessFailure("credentials", acac, lines)
    return None


def describe_mismatch(allowed: str, origin: str) -> str:
    """Say how an Access-Control-Allow-Origin value differs from the page origin."""
    if allowed.rstrip("/") == origin and allowed.endswith("/"):
        return "it has a trailing slash; an origin never ends with '/'"
    if allowed.lower() == origin:
        return "it differs only in letter case; the comparison is byte-exact"
    if allowed == "null":
        return "'null' only matches sandboxed, file:// or redirect-tainted pages"
    if origin == "null":
        return "the request's origin is 'null' (after a cross-origin redirect or from an opaque page)"
    try:
        a, o = urlsplit(allowed), urlsplit(origin)
    except ValueError:
        return "it is a different origin"
    if a.scheme != o.scheme and a.netloc == o.netloc:
        return f"the scheme differs ({a.scheme} vs {o.scheme})"
    if a.hostname == o.hostname and a.scheme == o.scheme:
        return "the port differs"
    if a.path and a.path != "/":
        return "it has a path; an origin is only scheme://host[:port]"
    return "it names a different origin"
