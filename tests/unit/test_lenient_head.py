"""`Name : value` in a reply head is read as Chromium reads it, on cors-doctor's connections only."""

from __future__ import annotations

import h11._readers

from cors_doctor.net._lenient import LenientHead


def _feed_in_pieces(data: bytes, size: int) -> bytes:
    head = LenientHead()
    head.request_sent()
    out = b""
    for i in range(0, len(data), size):
        out += head.feed(data[i : i + size])
    return out + head.feed(b"")


REPLY = (
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin : *\r\nX-A\t: 1\r\n"
    b"Content-Length: 12\r\n\r\nBody-Line : x"
)


def test_header_lines_are_normalised_whatever_the_read_sizes() -> None:
    expected = (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-A: 1\r\n"
        b"Content-Length: 12\r\n\r\nBody-Line : x"
    )
    for size in (1, 2, 7, 64, 4096):
        assert _feed_in_pieces(REPLY, size) == expected, size


def test_nothing_is_touched_before_a_request_or_once_disabled() -> None:
    head = LenientHead()
    assert head.feed(b"X : y\r\n") == b"X : y\r\n"
    head.enabled = False
    head.request_sent()
    assert head.feed(b"HTTP/1.1 200 OK\r\nX : y\r\n\r\n") == b"HTTP/1.1 200 OK\r\nX : y\r\n\r\n"


def test_h11_is_left_as_it_is() -> None:
    import cors_doctor.net  # noqa: F401
    from cors_doctor.net._wire import import_httpx

    import_httpx()
    assert h11._readers.header_field_re.match(b"Name : value") is None


def test_a_single_check_reads_space_before_the_colon_over_a_real_socket() -> None:
    import cors_doctor
    from tests.ci.server import RawServer

    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nAccess-Control-Allow-Origin : http://localhost:5173\r\n"
        b"Vary: Origin\r\n\r\nok"
    )
    server = RawServer(reply)
    try:
        verdict = cors_doctor.check(f"{server.url}/x", origin="http://localhost:5173", timeout=5)
    finally:
        server.close()
    assert verdict.allowed, str(verdict)
    assert h11._readers.header_field_re.match(b"Name : value") is None
    import sys

    assert sys.modules.get("httpx._main", "absent") is not None  # `import httpx._main` still works
