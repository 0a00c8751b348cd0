"""HTTP/2: `--http2` offers h2 to https servers through ALPN, as browsers do; a real Hypercorn
server with a certificate from the test CA answers. Plain-http h2-only servers are covered in
test_network_faults.py (browsers never speak HTTP/2 without TLS)."""

from __future__ import annotations

import json

import pytest

from .conftest import PAGE, cors, run_cli
from .servers import HypercornServer, reply


class RecordingApp:
    """An ASGI app with a working CORS setup that records the HTTP version of each request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        self.seen.append((scope["http_version"], scope["method"]))
        headers = [
            (b"access-control-allow-origin", PAGE.encode()),
            (b"vary", b"origin"),
            (b"access-control-allow-methods", b"GET, PUT"),
            (b"access-control-allow-headers", b"content-type"),
        ]
        status = 204 if scope["method"] == "OPTIONS" else 200
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if status == 204 else b'{"ok": true}'})


@pytest.fixture
def h2_server(certs, tmp_path):
    leaf = certs.ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "leaf.pem", tmp_path / "leaf.key"
    for i, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(cert_file), append=i > 0)
    leaf.private_key_pem.write_to_path(str(key_file))
    app = RecordingApp()
    with HypercornServer(app, str(cert_file), str(key_file)) as server:
        server.app = app
        yield server


def check(url: str, *args: str):
    return run_cli(
        "check",
        url,
        "--origin",
        PAGE,
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
        "--data",
        "{}",
        "--actual",
        *args,
    )


def test_http2_is_used_with_the_flag(h2_server, certs):
    run = check(h2_server.url("/items"), "--cacert", certs.ca_file, "--verbose")
    assert run.code == 0, run.stderr
    run2 = check(h2_server.url("/items"), "--cacert", certs.ca_file, "--verbose", "--http2")
    assert run2.code == 0, run2.stderr
    assert h2_server.app.seen == [("1.1", "OPTIONS"), ("1.1", "PUT"), ("2", "OPTIONS"), ("2", "PUT")]
    assert "< HTTP/2 200" in run2.stdout and "< HTTP/2 204" in run2.stdout
    assert "< HTTP/1.1 200" in run.stdout


def test_http2_replies_give_the_same_verdict_as_http1(h2_server, certs):
    one = json.loads(check(h2_server.url("/items"), "--cacert", certs.ca_file, "--json").stdout)
    two = json.loads(check(h2_server.url("/items"), "--cacert", certs.ca_file, "--json", "--http2").stdout)
    assert one["allowed"] is two["allowed"] is True
    assert [f["code"] for f in one["findings"]] == [f["code"] for f in two["findings"]]
    assert one["exposed_headers"] == two["exposed_headers"]


def test_http2_tls_errors_are_the_same_one_line(h2_server):
    run = check(h2_server.url("/items"), "--http2")
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("cors-doctor: error: TLS certificate of 127.0.0.1:") and "unknown CA" in run.stderr


def test_http2_flag_does_not_change_plain_http(serve):
    """Browsers never speak HTTP/2 without TLS, so neither does --http2."""
    allow = [*cors(PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "content-type")]
    server = serve({"/items": reply(200, allow)})
    run = check(server.url("/items"), "--http2", "--verbose")
    assert run.code == 0, run.stderr
    assert "HTTP/2" not in run.stdout
    assert all(b"HTTP/1.1" in seen.raw_head.split(b"\r\n")[0] for seen in server.log)
