"""Network faults: each is one precise error line and exit 2, within the timeout, no traceback.

Real sockets on 127.0.0.1 only. DNS failure runs the CLI through offline_resolver.py (this
machine's resolver would ask the outside DNS server even for `.invalid` names).
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from .conftest import PAGE, assert_one_error, assert_traceback_with_debug, cors, free_port, run_cli
from .servers import H2OnlyServer, raw, reply, wait_for_client_to_leave

SHORT = "1.5"  # --timeout for the cases that wait; each must end well before SHORT + 3 s


def check(url: str, *args: str, **kwargs):
    return run_cli("check", url, "--origin", PAGE, *args, **kwargs)


def test_connection_refused_names_host_and_port():
    port = free_port()
    run = check(f"http://127.0.0.1:{port}/items")
    assert_one_error(run, f"connection refused by 127.0.0.1:{port}", hint="is the server running")


def test_connection_refused_on_ipv6_loopback_brackets_the_address():
    with socket.socket(socket.AF_INET6) as sock:
        sock.bind(("::1", 0))
        port = sock.getsockname()[1]
    assert_one_error(check(f"http://[::1]:{port}/items"), f"connection refused by [::1]:{port}")


def test_a_server_on_ipv6_loopback_is_checked(serve):
    server = serve({"/items": reply(200, cors(PAGE))}, host="::1")
    run = check(server.url("/items"))
    assert run.code == 0, run.stderr
    assert server.methods() == ["GET"]


def test_dns_failure_names_the_host():
    run = check("http://nonexistent.invalid/items", offline=True)
    assert_one_error(run, "cannot resolve the host 'nonexistent.invalid'", "Name or service not known")


def test_dns_failure_with_debug_shows_the_traceback():
    assert_traceback_with_debug(check("http://nonexistent.invalid/items", "--debug", offline=True))


@pytest.fixture
def full_backlog():
    """A port whose accept queue is full: the next connect never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued = []
    for _ in range(4):  # fill the queue; later attempts time out instead of connecting
        sock = socket.socket()
        sock.settimeout(0.3)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            sock.close()
            break
        queued.append(sock)
    yield port
    for sock in queued:
        sock.close()
    listener.close()


def test_connect_timeout_says_connect_and_the_timeout(full_backlog):
    run = check(f"http://127.0.0.1:{full_backlog}/items", "--timeout", SHORT)
    assert_one_error(run, "connect timeout", f"127.0.0.1:{full_backlog}", f"within {SHORT} s")
    assert run.seconds < float(SHORT) + 3


async def _never_answer(seen, reader, writer):
    await wait_for_client_to_leave(reader)


def test_a_server_that_accepts_and_never_answers_is_a_read_timeout(serve):
    server = serve({"/items": _never_answer})
    run = check(server.url("/items"), "--timeout", SHORT)
    assert_one_error(run, "read timeout", "accepted the connection but did not answer", f"within {SHORT} s")
    assert run.seconds < float(SHORT) + 3
    assert server.methods() == ["GET"]


@pytest.fixture
def silent_port():
    """A port where connections complete (the kernel queues them) but nobody ever reads or writes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_a_silent_server_on_https_is_a_tls_handshake_timeout(silent_port):
    run = check(f"https://127.0.0.1:{silent_port}/items", "--timeout", SHORT)
    assert_one_error(run, "TLS handshake timeout", f"within {SHORT} s")
    assert run.seconds < float(SHORT) + 3


async def _drip_headers(seen, reader, writer):
    writer.write(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n")
    for i in range(200):  # one short header line every 0.2 s: never a read timeout, never done
        writer.write(b"X-Slow-%d: 1\r\n" % i)
        await writer.drain()
        await asyncio.sleep(0.2)


def test_a_server_dripping_its_headers_cannot_hold_the_check_past_the_timeout(serve):
    server = serve({"/items": _drip_headers})
    run = check(server.url("/items"), "--timeout", SHORT)
    assert_one_error(run, "read timeout", "bytes of its reply headers", f"within {SHORT} s", "drips them slowly")
    assert run.seconds < float(SHORT) + 3


def test_a_server_that_closes_without_a_reply(serve):
    server = serve({"/items": raw(b"")})
    assert_one_error(check(server.url("/items")), "closed the connection without sending a reply", hint="server's log")


def test_a_server_that_closes_in_the_middle_of_the_headers(serve):
    server = serve({"/items": raw(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Cut")})
    assert_one_error(check(server.url("/items")), "closed the connection in the middle of the reply headers")


def test_a_server_that_closes_in_the_middle_of_the_body(serve):
    server = serve(
        {"/items": raw(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 1000\r\n\r\n[1,2,")}
    )
    assert_one_error(
        check(server.url("/items")),
        "closed the connection in the middle of the reply body",
        "after 5 of 1000 bytes",
        "ERR_CONTENT_LENGTH_MISMATCH",
    )


def test_a_server_that_cuts_a_chunked_body_short(serve):
    server = serve(
        {
            "/items": raw(
                b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n[1,2,"
            )
        }
    )
    assert_one_error(check(server.url("/items")), "in the middle of the reply body", "chunked body was cut short")


def test_a_huge_header_block_is_one_clear_line(serve):
    lines = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 1000) for i in range(300))
    server = serve({"/items": raw(b"HTTP/1.1 200 OK\r\n" + lines + b"\r\n")})
    assert_one_error(
        check(server.url("/items")), "reply headers", "larger than 100 KiB", "ERR_RESPONSE_HEADERS_TOO_BIG"
    )


def test_a_reply_that_is_not_http(serve):
    server = serve({"/items": raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")})
    assert_one_error(check(server.url("/items")), "sent a reply that is not valid HTTP/1.1")


def test_an_http2_only_server_without_tls_is_explained():
    with H2OnlyServer() as server:
        run = check(server.url("/items"))
    assert_one_error(
        run, "answered in HTTP/2 frames", "without TLS (prior knowledge)", "browsers never use", hint="only over https"
    )
    assert server.connections == 1


def test_https_to_a_plain_http_port(serve):
    server = serve({"/items": raw(b"")})
    run = check(server.url("/items").replace("http:", "https:"))
    assert_one_error(run, "does not speak TLS", "is it an http:// port?", hint="use http://")


def test_plain_http_to_a_tls_port_suggests_https(serve, certs):
    server = serve({"/items": raw(b"")}, ssl_context=certs.server_context("127.0.0.1"))
    run = check(server.url("/items").replace("https:", "http:"))
    assert_one_error(run, "closed the connection without sending a reply", hint="an https:// port")


def test_json_mode_prints_nothing_on_stdout_for_a_network_fault():
    run = check(f"http://127.0.0.1:{free_port()}/items", "--json")
    assert_one_error(run, "connection refused")


def test_debug_shows_the_traceback_of_a_network_fault():
    assert_traceback_with_debug(check(f"http://127.0.0.1:{free_port()}/items", "--debug"))


def test_a_fault_on_the_actual_request_after_a_good_preflight(serve):
    """The preflight passes, then the PUT's connection breaks: still one line, exit 2."""
    good_preflight = raw(
        b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: "
        + PAGE.encode()
        + b"\r\nAccess-Control-Allow-Methods: PUT\r\nConnection: close\r\n\r\n"
    )

    async def route(seen, reader, writer):
        if seen.method == "OPTIONS":
            await good_preflight(seen, reader, writer)
        # the PUT: close without a word

    server = serve({"/items": route})
    run = check(server.url("/items"), "--method", "PUT", "--data", "x", "--actual")
    assert_one_error(run, "closed the connection without sending a reply")
    assert server.methods() == ["OPTIONS", "PUT"]
