"""The `cors-doctor` command line as a user runs it: help, version, demo, bad input, safety."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

PAGE = "http://localhost:5173"
UNUSED = "http://127.0.0.1:9/items"  # never contacted: every case below fails before sending


def _one_error(result, *, contains: str = "") -> str:
    """Exit 2, nothing on stdout, one `error:` line (plus an optional `hint:` line), no traceback."""
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2, lines
    assert lines[0].startswith("cors-doctor: error: "), lines
    if len(lines) == 2:
        assert lines[1].startswith("cors-doctor: hint: "), lines
    assert contains.lower() in result.stderr.lower(), result.stderr
    return lines[0]


# -- help and version -------------------------------------------------------------------------


def test_module_help(cli):
    result = cli("--help")
    assert result.code == 0
    assert "check" in result.stdout and "demo" in result.stdout


def test_check_help_lists_the_contract_options(cli):
    result = cli("check", "--help")
    assert result.code == 0
    for option in ("--origin", "--method", "--header", "--credentials", "--actual", "--data", "--json"):
        assert option in result.stdout


def test_console_script_version():
    from cors_doctor import __version__

    script = Path(sys.executable).with_name("cors-doctor")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"cors-doctor {__version__}"


def test_module_version(cli):
    from cors_doctor import __version__

    result = cli("--version")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == f"cors-doctor {__version__}"


# -- demo ---------------------------------------------------------------------------------------


def test_demo_checks_six_endpoints_and_exits_0(cli):
    result = cli("demo", "--no-color")
    assert result.code == 0, result.stderr
    out = result.stdout
    for path in (
        "/no-cors",
        "/wildcard-credentials",
        "/json-without-allow-headers",
        "/preflight-404",
        "/error-500",
        "/ok",
    ):
        assert f"{path} --origin {PAGE}" in out, path
    assert out.count("BLOCKED") == 5
    assert out.count("ALLOWED") == 1
    assert "6/6 endpoints behaved as the demo expects" in out
    assert "has been blocked by CORS policy" in out


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, contains",
    [
        ("http://exa mple.com/items", "host"),
        ("http://[::1/items", "url"),
        ("http://127.0.0.1:99999/items", "url"),
        ("https:///items", "host"),
        ("", "url"),
    ],
)
def test_an_invalid_url(cli, url, contains):
    _one_error(cli("check", url, "--origin", PAGE), contains=contains)


@pytest.mark.parametrize("url", ["/items", "api.example.com/items", "localhost:8000/items"])
def test_a_relative_url(cli, url):
    _one_error(cli("check", url, "--origin", PAGE), contains="absolute")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/items", "file:///etc/passwd", "ws://127.0.0.1/socket"])
def test_an_unsupported_scheme(cli, url):
    _one_error(cli("check", url, "--origin", PAGE), contains="scheme")


@pytest.mark.parametrize(
    "origin, contains",
    [
        ("http://localhost:5173/app", "path"),
        ("http://localhost:5173/", "trailing slash"),
        ("http://localhost:5173?x=1", "query"),
        ("http://localhost:5173#top", "fragment"),
        ("http://user:pw@localhost:5173", "user"),
        ("localhost:5173", "scheme"),
        ("ftp://localhost", "scheme"),
    ],
)
def test_an_origin_that_is_not_an_origin(cli, origin, contains):
    _one_error(cli("check", UNUSED, "--origin", origin), contains=contains)


def test_a_trailing_slash_origin_error_shows_the_right_spelling(cli):
    line = _one_error(cli("check", UNUSED, "--origin", "http://localhost:5173/"))
    assert "without it: http://localhost:5173 (" in line and "scheme://host[:port]" in line


@pytest.mark.parametrize("header", ["NoColon", ": value", " X-A: 1", "Bad Name: 1", "X-A: a\rb"])
def test_a_malformed_header(cli, header):
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--header", header), contains="header")


def test_an_unknown_browser(cli):
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--browser", "opera"), contains="--browser")


@pytest.mark.parametrize("method", ["TRACE", "connect"])
def test_a_forbidden_method(cli, method):
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--method", method), contains=method)


def test_a_port_nobody_listens_on(cli):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The socket is closed: connecting to it is refused.
    _one_error(cli("check", f"http://127.0.0.1:{port}/items", "--origin", PAGE), contains="refused")


@pytest.fixture
def silent_server():
    """A loopback socket that accepts connections and never answers; closed afterwards."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/items"
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_never_answers_times_out(cli, silent_server):
    started = time.monotonic()
    result = cli("check", silent_server, "--origin", PAGE, "--timeout", "1")
    _one_error(result, contains="timeout")
    assert time.monotonic() - started < 20


def test_debug_shows_the_traceback(cli):
    result = cli("check", "/items", "--origin", PAGE, "--debug")
    assert result.code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "cors-doctor: error: " in result.stderr
    assert result.stdout == ""


# -- what is sent -----------------------------------------------------------------------------------


def _permissive(request):
    """Allow the page origin whatever it asks, with credentials."""
    if request.header("Origin") != PAGE:
        return 403, [], b""
    headers = [
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", request.header("Access-Control-Request-Method") or "GET"),
        ("Vary", "Origin"),
    ]
    if request.header("Access-Control-Request-Headers"):
        headers.append(("Access-Control-Allow-Headers", request.header("Access-Control-Request-Headers")))
    return 204 if request.method == "OPTIONS" else 200, headers, b""


def test_a_put_without_actual_sends_only_the_preflight(cli, loopback_server):
    server = loopback_server(_permissive)
    result = cli(
        "check",
        server.url + "/items",
        "--origin",
        PAGE,
        "--method",
        "PUT",
        "--header",
        "X-Custom: 1",
        "--header",
        "Authorization: Bearer s3cret",
        "--credentials",
        "--cookie",
        "session=abc",
        "--data",
        "x",
    )
    assert result.code == 3, result.stdout + result.stderr  # allowed by the preflight, reply not verified
    assert "rerun with --actual to verify" in result.stdout
    assert server.received, "nothing reached the server"
    assert {r.method for r in server.received} == {"OPTIONS"}, [r.method for r in server.received]
    from_page = [r for r in server.received if r.header("Origin") == PAGE]
    assert len(from_page) == 1
    preflight = from_page[0]
    assert preflight.path == "/items"
    assert preflight.header("Access-Control-Request-Method") == "PUT"
    assert preflight.header("Access-Control-Request-Headers") == "authorization,x-custom"
    for request in server.received:
        assert request.header("Cookie") is None and request.header("Authorization") is None
        assert request.header("X-Custom") is None and request.body == b""
    assert "s3cret" not in result.stdout


def test_a_put_with_actual_is_sent_after_the_preflight(cli, loopback_server):
    server = loopback_server(_permissive)
    result = cli("check", server.url + "/items", "--origin", PAGE, "--method", "PUT", "--data", "payload", "--actual")
    assert result.code == 0, result.stdout + result.stderr
    from_page = [r for r in server.received if r.header("Origin") == PAGE]
    assert [r.method for r in from_page] == ["OPTIONS", "PUT"]
    assert [r.method for r in server.received].count("PUT") == 1
    assert from_page[1].body == b"payload"


def test_a_post_needing_no_preflight_is_not_sent_without_actual(cli, loopback_server):
    server = loopback_server(_permissive)
    result = cli("check", server.url + "/items", "--origin", PAGE, "--method", "POST", "--data", "x")
    _one_error(result, contains="--actual")
    assert server.received == []


def test_a_get_is_sent_once_with_the_page_origin(cli, loopback_server):
    server = loopback_server(_permissive)
    result = cli("check", server.url + "/items", "--origin", PAGE, "--json")
    assert result.code == 0
    assert [(r.method, r.header("Origin")) for r in server.received if r.header("Origin") == PAGE] == [("GET", PAGE)]


def _no_cors_headers(request):
    """No CORS headers at all: only a no-cors request can "succeed" here."""
    return 200, [("Content-Type", "application/json")], b"{}"


def test_mode_no_cors_is_opaque_and_sends_no_preflight(cli, loopback_server):
    import json

    server = loopback_server(_no_cors_headers)
    result = cli(
        "check",
        server.url + "/items",
        "--origin",
        PAGE,
        "--mode",
        "no-cors",
        "--method",
        "POST",
        "--header",
        "Content-Type: application/json",
        "--header",
        "X-Custom: 1",
        "--data",
        "{}",
        "--actual",
        "--json",
    )
    assert result.code == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["allowed"] is True and doc["preflight"] is None and doc["exposed_headers"] == []
    assert {"CD116", "CD101"} <= {f["code"] for f in doc["findings"]}
    assert [r.method for r in server.received] == ["POST"]
    sent = server.received[0]
    assert sent.header("Origin") == PAGE and sent.header("Sec-Fetch-Mode") == "no-cors"
    assert sent.header("X-Custom") is None  # dropped, like the non-safelisted Content-Type
    assert sent.header("Content-Type") == "text/plain;charset=UTF-8"


def test_mode_no_cors_get_carries_no_origin(cli, loopback_server):
    server = loopback_server(_no_cors_headers)
    result = cli("check", server.url + "/items", "--origin", PAGE, "--mode", "no-cors")
    assert result.code == 0, result.stdout + result.stderr
    assert [(r.method, r.header("Origin")) for r in server.received] == [("GET", None)]


def test_mode_no_cors_refuses_other_methods(cli):
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--mode", "no-cors", "--method", "PUT"), contains="no-cors")


def test_an_unknown_mode_or_client(cli):
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--mode", "navigate"), contains="--mode")
    _one_error(cli("check", UNUSED, "--origin", PAGE, "--client", "beacon"), contains="--client")


def test_client_xhr_upload_forces_a_preflight_and_xhr_names_itself(cli, loopback_server):
    import json

    def no_cors_on_options(request):
        return (204, [], b"") if request.method == "OPTIONS" else (200, [("Access-Control-Allow-Origin", "*")], b"")

    server = loopback_server(no_cors_on_options)
    result = cli(
        "check",
        server.url + "/items",
        "--origin",
        PAGE,
        "--method",
        "POST",
        "--data",
        "x",
        "--client",
        "xhr-upload",
        "--json",
    )
    assert result.code == 1, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["preflight"]["request_headers"]["Access-Control-Request-Method"] == "POST"
    assert any("xhr.upload" in reason for reason in doc["preflight"]["reasons"])
    assert doc["browser_message"].startswith("Access to XMLHttpRequest at ")
    plain = cli(
        "check",
        server.url + "/items",
        "--origin",
        PAGE,
        "--method",
        "POST",
        "--data",
        "x",
        "--client",
        "xhr",
        "--actual",
        "--json",
    )
    assert plain.code == 0 and json.loads(plain.stdout)["preflight"] is None


def test_root_help_lists_every_command_typer_knows():
    """The fast top-level help must not drift from the commands actually registered."""
    import typer

    from cors_doctor.cli.registry import COMMANDS, build_app, root_help

    group = typer.main.get_command(build_app(list(COMMANDS)))
    text = root_help()
    names = group.list_commands(None)  # type: ignore[arg-type]
    assert sorted(names) == sorted(COMMANDS)
    for name in names:
        assert f"\n  {name} " in text
        first_line = (group.get_command(None, name).help or "").strip().splitlines()[0]  # type: ignore[arg-type, union-attr]
        assert COMMANDS[name].summary == first_line
    assert "--version" in text and "--help" in text
