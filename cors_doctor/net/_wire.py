"""What the httpx-based senders share: building the request a browser sends, reading the reply
as the browser sees it, and the caps on reply bodies."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from cors_doctor.model import OutgoingRequest, Response

if TYPE_CHECKING:
    import httpx

BODY_CAP = 64 * 1024
EXCERPT_CHARS = 2048
BODY_WAIT = 2.0  # the body is only shown as an excerpt: an SSE stream must not hold the check


def import_httpx() -> Any:
    """httpx, with replies parsed as Chromium parses them (see lenient_header_lines)."""
    # httpx imports its optional CLI (click, rich, pygments) when those are installed; skip it.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    import httpx

    lenient_header_lines()
    return httpx


def lenient_header_lines() -> None:
    """Read reply header lines the way Chromium does, where h11 rejects the whole reply:
    `Name : value` (whitespace before the colon) is the header `Name`; a line without a colon, or
    whose name is empty or not a token, is skipped; a bare CR inside a value is kept. A NUL byte
    anywhere in the head is still refused (Chromium: net::ERR_INVALID_HTTP_RESPONSE). Request
    header values may carry any byte but NUL, CR and LF, as page script's may. cors-doctor must
    judge what the browser sees (cases line-* of the conformance suite)."""
    import re

    from h11 import _headers, _readers

    # Outgoing values: fetch() refuses only NUL, CR and LF, and Chromium puts anything else on the
    # wire as written (a vertical tab in wpt-ct-vertical-tab), where h11 refuses control bytes.
    _headers._field_value_re = re.compile(rb"[^\x00\r\n]*")
    if getattr(_readers._decode_header_lines, "like_chromium", False):
        return
    from cors_doctor.rules.safelist import is_token

    def decode_header_lines(lines):
        for line in _readers._obsolete_line_fold(lines):
            if b"\x00" in line:
                raise _readers.LocalProtocolError(f"NUL byte in a header line: {bytes(line)!r}")
            name, colon, value = bytes(line).partition(b":")
            name = name.strip(b" \t")
            if colon and is_token(name.decode("latin-1")):
                yield name, value.strip(b" \t")

    decode_header_lines.like_chromium = True  # type: ignore[attr-defined]
    _readers._decode_header_lines = decode_header_lines


def excerpt(body: bytes) -> str:
    """The start of a reply body as text, for fingerprints and error hints."""
    return body[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS]


def to_response(resp: httpx.Response, body: bytes) -> Response:
    # Header bytes above 0x7F (obs-text) are kept as the Latin-1 characters browsers map them to.
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw)
    reason = resp.extensions.get("reason_phrase", b"")
    return Response(
        status=resp.status_code,
        headers=headers,
        reason=reason.decode("latin-1") if isinstance(reason, bytes) else resp.reason_phrase,
        body_excerpt=excerpt(body),
        http_version=resp.http_version,
    )


def header_bytes(name: str, value: str) -> tuple[bytes, bytes]:
    # Script-set values are ByteStrings (one byte per character up to U+00FF); the cookie jar holds UTF-8.
    encoding = "utf-8" if name.lower() == "cookie" else "latin-1"
    return name.encode("ascii"), value.encode(encoding, "replace")


def build_request(httpx: Any, req: OutgoingRequest, timeout: float) -> httpx.Request:
    content = req.body.encode("utf-8") if req.body is not None else None
    headers = [header_bytes(name, value) for name, value in req.headers]
    request = httpx.Request(req.method, req.url, headers=headers, content=content,
                            extensions={"timeout": httpx.Timeout(timeout).as_dict()})
    request.method = req.method  # httpx uppercases; browsers send `patch` as written
    return request


def is_timeout(exc: BaseException) -> bool:
    """httpx's, asyncio's and the builtin timeouts alike (a slow body is cut, not an error)."""
    return isinstance(exc, TimeoutError) or any(k.__name__ == "TimeoutException" for k in type(exc).__mro__)
