"""Nothing unintended is sent: no state-changing method without --actual, no credentials after
a cross-origin redirect, never credentials on a preflight. Real loopback servers log every
request byte-exact, so these tests see what actually went over the wire."""

from __future__ import annotations

import json

import pytest

from .conftest import PAGE, assert_one_error, cors, run_cli
from .servers import http_reply, reply

ALLOW_ALL = [
    *cors(PAGE),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, patch"),
    ("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Token"),
]
SECRET_COOKIE = "session=cookie-secret-1"
SECRET_TOKEN = "Bearer token-secret-2"


@pytest.fixture
def api(serve):
    return serve({"/items": reply(200, ALLOW_ALL, b"{}")}, default=reply(200, ALLOW_ALL, b"{}"))


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "patch", "POST"])
def test_a_state_changing_method_is_never_sent_without_actual(api, method):
    args = ["--method", method, "--header", "Content-Type: application/json"]
    if method not in ("DELETE",):
        args += ["--data", "{}"]
    run = run_cli("check", api.url("/items"), "--origin", PAGE, *args, "--json")
    assert run.code == 3, run.stderr  # the preflight passed; the actual reply was not verified
    assert [seen.method for seen in api.log] == ["OPTIONS"]  # every request sent, nothing filtered
    result = json.loads(run.stdout)
    assert result["actual"]["sent"] is False
    assert result["unverified"] and result["verified"] is False


@pytest.mark.parametrize("method", ["POST", "post"])
def test_a_simple_post_needs_no_preflight_so_nothing_is_sent_without_actual(api, method):
    run = run_cli("check", api.url("/items"), "--origin", PAGE, "--method", method, "--data", "a=1")
    assert_one_error(run, "pass --actual to send it")
    assert api.log == []


def test_with_actual_the_method_is_delivered(api):
    """The opt-in works, so the tests above would notice a probe that never sends anything."""
    run = run_cli("check", api.url("/items"), "--origin", PAGE, "--method", "DELETE", "--actual")
    assert run.code == 0, run.stderr
    assert [seen.method for seen in api.log] == ["OPTIONS", "DELETE"]


def test_a_same_origin_put_is_not_sent_without_actual(api):
    run = run_cli("check", api.url("/items"), "--origin", api.origin, "--method", "PUT", "--data", "x", "--json")
    assert run.code == 3, run.stderr
    assert json.loads(run.stdout)["verified"] is False
    assert api.log == []


def test_a_preflight_never_carries_cookies_or_authorization(api):
    run = run_cli(
        "check",
        api.url("/items"),
        "--origin",
        PAGE,
        "--method",
        "PUT",
        "--data",
        "{}",
        "--header",
        f"Authorization: {SECRET_TOKEN}",
        "--credentials",
        "--cookie",
        SECRET_COOKIE,
        "--actual",
    )
    assert run.code == 0, run.stderr
    preflight, put = api.log
    assert all(
        seen.header("Cookie") is None and seen.header("Authorization") is None
        for seen in api.log
        if seen.method == "OPTIONS"
    )
    assert preflight.method == "OPTIONS"
    assert preflight.header("Cookie") is None and preflight.header("Authorization") is None
    assert preflight.header("Access-Control-Request-Headers") == "authorization"
    assert put.header("Cookie") == SECRET_COOKIE and put.header("Authorization") == SECRET_TOKEN


@pytest.mark.parametrize("second_host", ["127.0.0.2", "localhost"])
def test_credentials_never_follow_a_redirect_to_another_host(serve, second_host):
    other = serve(
        {
            "/landing": reply(
                200, [("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Credentials", "true")], b"{}"
            )
        },
        host="127.0.0.2" if second_host == "127.0.0.2" else "127.0.0.1",
    )
    target = other.url("/landing", host=second_host)
    redirect = reply(307, [*ALLOW_ALL, ("Location", target), ("Set-Cookie", "tracker=from-first-hop; Path=/")])

    async def first_hop(seen, reader, writer):
        await (reply(204, ALLOW_ALL) if seen.method == "OPTIONS" else redirect)(seen, reader, writer)

    first = serve({"/items": first_hop})
    run = run_cli(
        "check",
        first.url("/items"),
        "--origin",
        PAGE,
        "--header",
        f"Authorization: {SECRET_TOKEN}",
        "--credentials",
        "--cookie",
        SECRET_COOKIE,
        "--json",
    )
    assert run.code in (0, 1), run.stderr
    sent_first = [seen for seen in first.log if seen.method == "GET"]
    assert sent_first and sent_first[0].header("Cookie") == SECRET_COOKIE
    assert sent_first[0].header("Authorization") == SECRET_TOKEN
    assert other.log, "the redirect was not followed"
    for seen in other.log:
        assert seen.header("Cookie") is None, seen.raw_head
        assert seen.header("Authorization") is None, seen.raw_head
        assert b"secret" not in seen.raw_head and b"tracker" not in seen.raw_head


def test_a_set_cookie_never_comes_back_in_a_later_request(serve):
    async def hop(seen, reader, writer):
        if seen.method == "OPTIONS":
            writer.write(http_reply(204, ALLOW_ALL))
        elif seen.target == "/first":
            writer.write(http_reply(307, [*ALLOW_ALL, ("Location", "/second"), ("Set-Cookie", "tracker=abc; Path=/")]))
        else:
            writer.write(http_reply(200, ALLOW_ALL, b"{}"))

    server = serve({"/first": hop, "/second": hop})
    run = run_cli(
        "check", server.url("/first"), "--origin", PAGE, "--method", "PUT", "--data", "x", "--actual", "--credentials"
    )
    assert run.code == 0, run.stderr
    assert [(seen.method, seen.target) for seen in server.log] == [
        ("OPTIONS", "/first"),
        ("PUT", "/first"),
        ("OPTIONS", "/second"),
        ("PUT", "/second"),
    ]
    assert all(seen.header("Cookie") is None for seen in server.log)


def test_a_non_ascii_header_value_goes_out_as_the_bytes_a_browser_sends(api):
    run = run_cli("check", api.url("/items"), "--origin", PAGE, "--header", "X-Token: caf\xe9")
    assert run.code == 0, run.stderr
    get = [seen for seen in api.log if seen.method == "GET"][-1]
    assert b"X-Token: caf\xe9\r\n" in get.raw_head
