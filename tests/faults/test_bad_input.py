"""Bad command-line input: one `cors-doctor: error:` line (maybe a hint), exit 2, nothing sent.

Every case runs `python -m cors_doctor check ...` against a loopback server that logs what it
receives, so a test also proves that refused input never reaches the network.
"""

from __future__ import annotations

import json

import pytest

from .conftest import PAGE, assert_one_error, assert_traceback_with_debug, cors, run_cli
from .servers import reply

ORIGIN_IS = "an origin is scheme://host[:port]"


@pytest.fixture
def api(serve):
    return serve({"/items": reply(200, cors("*"), b"[]")})


@pytest.mark.parametrize(
    ("url", "fragments"),
    [
        ("/items", ["is not an absolute URL"]),
        ("items", ["is not an absolute URL"]),
        ("", ["the URL is empty"]),
        ("http://", ["the host is empty"]),
        ("http://exa mple.com/", ["invalid host"]),
        ("http://[::1/", ["is not a valid URL"]),
        ("http://127.0.0.1:99999/", ["is not a valid URL"]),
        ("ftp://127.0.0.1/items", ["unsupported URL scheme 'ftp'", "http and https only"]),
        ("file:///etc/passwd", ["unsupported URL scheme 'file'"]),
        ("ws://127.0.0.1/socket", ["unsupported URL scheme 'ws'"]),
        ("http://user:secret@127.0.0.1/items", ["contains user:password", "fetch() refuses"]),
    ],
)
def test_an_unusable_url_is_one_error_line(url, fragments, api):
    run = run_cli("check", url, "--origin", PAGE)
    assert_one_error(run, *fragments)
    assert api.log == []


@pytest.mark.parametrize(
    ("origin", "fragments"),
    [
        ("localhost:5173", ["has no scheme", ORIGIN_IS]),
        ("ftp://localhost:5173", ["is not http or https", ORIGIN_IS]),
        ("http://localhost:5173/app", ["has a path, query or fragment", ORIGIN_IS]),
        ("http://localhost:5173?tab=1", ["has a path, query or fragment", ORIGIN_IS]),
        ("http://localhost:5173#top", ["has a path, query or fragment", ORIGIN_IS]),
        ("http://dev:pw@localhost:5173", ["contains user info", ORIGIN_IS]),
        (
            "http://localhost:5173/",
            ["has a trailing slash", "browsers send the origin without it: http://localhost:5173"],
        ),
    ],
)
def test_an_origin_that_is_not_an_origin_is_one_error_line_that_says_what_an_origin_is(origin, fragments, api):
    run = run_cli("check", api.url("/items"), "--origin", origin)
    assert_one_error(run, *fragments)
    assert api.log == []


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("X-Token abc", "is not 'Name: value'"),
        (": value", "is not 'Name: value'"),
        (" X-Token: abc", "no spaces allowed around the header name"),
        ("X Token: abc", "invalid header name"),
        ("X-Tóken: abc", "invalid header name"),
        ("X-Name: snow☃man", "characters above U+00FF"),
        ("X-Name: a\rb", "contains CR, LF or NUL"),
    ],
)
def test_a_malformed_header_option_is_one_error_line(header, fragment, api):
    run = run_cli("check", api.url("/items"), "--origin", PAGE, "--header", header)
    assert_one_error(run, fragment)
    assert api.log == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--browser", "opera"], ["unknown --browser 'opera'", "chrome, firefox or safari"]),
        (["--framework", "cobol-on-cogs"], ["unknown --framework"]),
        (["--timeout", "0"], ["--timeout must be a positive, finite number"]),
        (["--timeout", "-3"], ["--timeout must be a positive, finite number"]),
        (["--timeout", "soon"], ["'--timeout'"]),
        (["--method", "GE T"], ["invalid method"]),
        (["--method", "CONNECT"], ["fetch() refuses the method"]),
        (["--method", "TRACE"], ["fetch() refuses the method"]),
        (["--data", "x=1"], ["fetch() refuses a body with GET"]),
        (["--no-such-option"], ["--no-such-option"]),
    ],
)
def test_other_bad_options_are_one_error_line(args, fragments, api):
    run = run_cli("check", api.url("/items"), "--origin", PAGE, *args)
    assert_one_error(run, *fragments)
    assert api.log == []


def test_a_cookie_with_a_line_break_is_refused_before_anything_is_sent(api):
    run = run_cli(
        "check",
        api.url("/items"),
        "--origin",
        PAGE,
        "--credentials",
        "--header",
        "X-Token: 1",
        "--cookie",
        "a=1\r\nX-Injected: yes",
    )
    assert_one_error(run, "--cookie contains CR, LF or NUL")
    assert api.log == []


def test_a_missing_origin_is_one_error_line(api):
    assert_one_error(run_cli("check", api.url("/items")), "--origin")


def test_an_unreadable_cacert_is_one_error_line(serve, certs, tmp_path):
    server = serve({"/items": reply(200, cors("*"))}, ssl_context=certs.server_context("127.0.0.1"))
    not_pem = tmp_path / "ca.txt"
    not_pem.write_text("this is not a certificate\n")
    for path in (str(tmp_path / "missing.pem"), str(not_pem)):
        assert_one_error(run_cli("check", server.url("/items"), "--origin", PAGE, "--cacert", path), "--cacert")
    assert server.log == []


def test_json_mode_keeps_stdout_empty_on_bad_input(api):
    run = run_cli("check", "/items", "--origin", PAGE, "--json")
    assert_one_error(run, "is not an absolute URL")


def test_debug_shows_the_traceback_of_bad_input(api):
    assert_traceback_with_debug(run_cli("check", "/items", "--origin", PAGE, "--debug"))


@pytest.mark.parametrize(
    "header",
    [
        "Cookie: session=1",
        "Host: evil.example",
        "Sec-Fetch-Site: same-origin",
        "Proxy-Authorization: Basic eA==",
        "Connection: close",
        "Origin: https://evil.example",
    ],
)
def test_a_forbidden_header_is_dropped_with_a_warning_and_the_verdict_still_comes(header, serve):
    """A browser silently drops forbidden headers: cors-doctor says so (CD101) and judges the rest."""
    server = serve({"/items": reply(200, cors(PAGE), b"[]")})
    run = run_cli("check", server.url("/items"), "--origin", PAGE, "--header", header, "--json")
    assert run.code == 0, run.stderr
    result = json.loads(run.stdout)
    name = header.split(":")[0]
    assert result["request"]["dropped_headers"] == [name]
    cd101 = [f for f in result["findings"] if f["code"] == "CD101"]
    assert cd101 and "page script cannot set it" in cd101[0]["message"]
    sent = server.log[-1]
    value = header.split(":", 1)[1].strip()
    assert sent.header(name) != value  # the browser's own value (or none) went out, never the script's
    human = run_cli("check", server.url("/items"), "--origin", PAGE, "--header", header)
    assert "page script cannot set it" in human.stdout and "CD101" in human.stdout
