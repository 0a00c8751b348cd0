"""Replies a hostile or broken server sends: cors-doctor never reads past its cap, never hangs,
never crashes, and judges odd bytes the way a browser does."""

from __future__ import annotations

import asyncio
import json

import pytest

from cors_doctor.net._wire import BODY_CAP, BODY_WAIT

from .conftest import PAGE, assert_one_error, cors, free_port, run_cli
from .servers import http_reply, raw, reply

GIB = 2**30


def check(url: str, *args: str):
    return run_cli("check", url, "--origin", PAGE, *args)


class Firehose:
    """Sends a reply head, then body bytes as fast as the client takes them; counts what went out."""

    def __init__(self, head: bytes, chunk: bytes, limit: int = 512 * 2**20) -> None:
        self.head, self.chunk, self.limit, self.sent = head, chunk, limit, 0

    async def __call__(self, seen, reader, writer) -> None:
        writer.write(self.head)
        while self.sent < self.limit:  # bounded even if the client never stopped
            writer.write(self.chunk)
            await writer.drain()
            self.sent += len(self.chunk)


def test_a_multi_gigabyte_body_is_never_read_past_the_cap(serve):
    body = Firehose(
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % (5 * GIB),
        b"\0" * 65536,
    )
    server = serve({"/download": body})
    run = check(server.url("/download"), "--json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["allowed"] is True
    # What left the server: the client's cap plus what the loopback socket buffers hold, not 5 GiB.
    assert body.sent < 64 * 2**20, body.sent
    assert run.seconds < 15


def test_an_endless_chunked_body_is_cut_at_the_cap(serve):
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    body = Firehose(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\n\r\n", chunk)
    server = serve({"/stream": body})
    run = check(server.url("/stream"), "--json")
    assert run.code == 0, run.stderr
    assert body.sent < 64 * 2**20, body.sent


async def _event_stream(seen, reader, writer):
    writer.write(
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: text/event-stream\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    for i in range(120):  # one event every 0.5 s for up to a minute: the body never ends
        event = b"data: tick %d\n\n" % i
        writer.write(b"%x\r\n%s\r\n" % (len(event), event))
        await writer.drain()
        await asyncio.sleep(0.5)


def test_an_endless_slow_body_does_not_hold_the_verdict(serve):
    """An event stream (SSE) never ends; the verdict depends on the headers only."""
    server = serve({"/events": _event_stream})
    run = check(server.url("/events"), "--timeout", "20", "--json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["allowed"] is True
    assert run.seconds < BODY_WAIT + 5


def test_the_body_cap_is_a_sensible_size():
    assert 4096 <= BODY_CAP <= 1024 * 1024


def test_obs_text_in_allow_origin_is_a_mismatch_like_in_a_browser(serve):
    server = serve({"/items": raw(http_reply(200, [("Access-Control-Allow-Origin", "http://l\xf6calhost:5173")]))})
    run = check(server.url("/items"), "--json")
    assert run.code == 1, run.stderr
    result = json.loads(run.stdout)
    assert result["allowed"] is False
    assert {f["code"] for f in result["findings"]} & {"CD303", "CD304"}
    hop = result["actual"]["hops"][0]
    assert ["Access-Control-Allow-Origin", "http://l\xf6calhost:5173"] in hop["response_headers"]


def test_non_ascii_bytes_in_other_headers_are_kept_as_latin_1(serve):
    head = (
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: " + PAGE.encode() + b"\r\n"
        b"Access-Control-Expose-Headers: X-Note\r\nX-Note: caf\xe9 \xff\x80 end\r\n"
        b"X-Utf8: \xe2\x98\x83\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
    )
    server = serve({"/items": raw(head)})
    run = check(server.url("/items"), "--json")
    assert run.code == 0, run.stderr
    headers = json.loads(run.stdout)["actual"]["hops"][0]["response_headers"]
    assert ["X-Note", "caf\xe9 \xff\x80 end"] in headers
    assert ["X-Utf8", "\xe2\x98\x83"] in headers  # bytes, not decoded as UTF-8: what the browser's Latin-1 view gives
    human = check(server.url("/items"), "--verbose")
    assert human.code == 0 and "Traceback" not in human.stderr
    assert "X-Note: caf\xe9" in human.stdout


def test_non_ascii_in_allow_headers_fails_the_preflight_without_crashing(serve):
    async def route(seen, reader, writer):
        writer.write(http_reply(204, [*cors(PAGE), ("Access-Control-Allow-Headers", "X-Tok\xe9n")]))

    server = serve({"/items": route})
    run = check(server.url("/items"), "--header", "X-Token: 1", "--json")
    assert run.code == 1, run.stderr
    assert {f["code"] for f in json.loads(run.stdout)["findings"]} & {"CD204", "CD206"}
    assert server.methods() == ["OPTIONS"]


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 2OO OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
    ],
)
def test_broken_reply_heads_are_one_clear_line(serve, head):
    server = serve({"/items": raw(head)})
    assert_one_error(check(server.url("/items")), "127.0.0.1:")


@pytest.mark.parametrize(
    ("head", "net_error"),
    [
        (b"HTTP/1.1 200 OK\r\nX\x00Nul: 1\r\n\r\n", "net::ERR_INVALID_HTTP_RESPONSE"),
        (b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\n\r\n", "net::ERR_INVALID_HTTP_RESPONSE"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
            "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH",
        ),
        (b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", "net::ERR_EMPTY_RESPONSE"),
    ],
)
def test_reply_heads_a_browser_refuses_are_a_blocked_verdict(serve, head, net_error):
    """The server was reached; the browser's network error is the answer (exit 1, not 2)."""
    server = serve({"/items": raw(head)})
    run = check(server.url("/items"), "--json")
    assert run.code == 1, run.stderr
    doc = json.loads(run.stdout)
    assert doc["allowed"] is False
    assert doc["browser_message"] == f"Failed to load resource: {net_error}"
    assert "CD115" in {f["code"] for f in doc["findings"]}


# -- redirects ----------------------------------------------------------------------------


def _redirect_to(location: str, status: int = 302):
    return reply(status, [("Location", location), ("Access-Control-Allow-Origin", "*")])


def test_a_redirect_loop_is_too_many_redirects(serve):
    server = serve({"/loop": _redirect_to("/loop")})
    run = check(server.url("/loop"), "--json")
    assert run.code == 1, run.stderr
    result = json.loads(run.stdout)
    assert [f["code"] for f in result["findings"] if f["severity"] == "error"] == ["CD402"]
    assert "net::ERR_TOO_MANY_REDIRECTS" in result["browser_message"]
    assert len(server.log) == 21  # the first request and 20 redirects, as in a browser


def _chain(length: int, final):
    routes = {f"/r/{i}": _redirect_to(f"/r/{i + 1}", 307) for i in range(length)}
    routes[f"/r/{length}"] = final
    return routes


def test_twenty_redirects_are_followed(serve):
    server = serve(_chain(20, reply(200, cors("*"), b"done")))
    run = check(server.url("/r/0"), "--json")
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["actual"]["hops"]) == 21


def test_twenty_one_redirects_are_too_many(serve):
    server = serve(_chain(25, reply(200, cors("*"))))
    run = check(server.url("/r/0"), "--json")
    assert run.code == 1, run.stderr
    assert "CD402" in {f["code"] for f in json.loads(run.stdout)["findings"]}
    assert len(server.log) == 21


def test_a_preflighted_redirect_chain_gets_a_preflight_per_hop_up_to_the_limit(serve):
    async def hop(seen, reader, writer):
        number = int(seen.target.rsplit("/", 1)[1])
        if seen.method == "OPTIONS":
            writer.write(http_reply(204, [*cors("*"), ("Access-Control-Allow-Methods", "PUT")]))
        else:
            writer.write(http_reply(307, [("Location", f"/r/{number + 1}"), ("Access-Control-Allow-Origin", "*")]))

    server = serve({f"/r/{i}": hop for i in range(30)})
    run = check(server.url("/r/0"), "--method", "PUT", "--data", "x", "--actual", "--json")
    assert run.code == 1, run.stderr
    assert "CD402" in {f["code"] for f in json.loads(run.stdout)["findings"]}
    assert server.methods() == ["OPTIONS", "PUT"] * 21


def test_a_redirect_to_an_unusable_location_is_a_verdict_not_a_crash(serve):
    server = serve({"/items": _redirect_to("http://[::1")})
    run = check(server.url("/items"), "--json")
    assert run.code == 1, run.stderr
    assert "CD403" in {f["code"] for f in json.loads(run.stdout)["findings"]}


def test_a_redirect_to_a_closed_port_names_that_port(serve):
    port = free_port()
    server = serve({"/items": _redirect_to(f"http://127.0.0.1:{port}/moved")})
    assert_one_error(check(server.url("/items")), f"connection refused by 127.0.0.1:{port}")


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_batch_checks_turn_a_refused_reply_into_the_same_verdict(serve, transport):
    """ci, har and audit judge through run_check_async: a NUL byte is the browser's network error there too."""
    import asyncio

    from cors_doctor.model import RequestSpec
    from cors_doctor.net import SendOptions, make_sender
    from cors_doctor.pipeline import run_check_async

    server = serve(
        {
            "/items": raw(
                b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nX-Nul: a\x00b\r\nContent-Length: 0\r\n\r\n"
            )
        }
    )
    spec = RequestSpec(server.url("/items"), "http://localhost:5173")

    async def run():
        send = SendOptions(timeout=5.0)
        sender = make_sender(transport, 1, send)
        try:
            return (await run_check_async(spec, sender, send)).verdict
        finally:
            await sender.aclose()

    verdict = asyncio.run(run())
    assert verdict.allowed is False
    assert verdict.browser_message == "Failed to load resource: net::ERR_INVALID_HTTP_RESPONSE"
    assert "CD115" in {f.code for f in verdict.findings}
