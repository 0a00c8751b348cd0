"""Authorization, Cookie and Set-Cookie values never show in output unless --show-secrets."""

from __future__ import annotations

import json

import pytest

from .conftest import PAGE, run_cli
from .servers import reply

TOKEN = "tok-9f8e7d6c"
COOKIE = "sid-1a2b3c4d"
SET_COOKIE = "fresh-5e6f7a8b"
SECRETS = (TOKEN, COOKIE, SET_COOKIE)


@pytest.fixture
def api(serve):
    headers = [
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Headers", "Authorization"),
        ("Vary", "Origin"),
        ("Set-Cookie", f"session={SET_COOKIE}; Path=/; HttpOnly; SameSite=None; Secure"),
    ]
    return serve({"/me": reply(200, headers, b'{"name": "ada"}')})


def check(api, *args: str):
    run = run_cli(
        "check",
        api.url("/me"),
        "--origin",
        PAGE,
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--credentials",
        "--cookie",
        f"session={COOKIE}",
        *args,
    )
    assert run.code == 0, run.stderr
    return run


def test_the_secrets_really_were_sent_and_received(api):
    """Otherwise the masking tests below would pass on output that never held a secret."""
    check(api)
    get = next(seen for seen in api.log if seen.method == "GET")
    assert get.header("Authorization") == f"Bearer {TOKEN}" and get.header("Cookie") == f"session={COOKIE}"


@pytest.mark.parametrize("mode", [[], ["--verbose"], ["--json"], ["--json", "--verbose"]])
def test_secrets_are_masked_in_every_output(api, mode):
    run = check(api, *mode)
    for secret in SECRETS:
        assert secret not in run.stdout and secret not in run.stderr, (secret, mode)


def test_json_keeps_the_shape_of_masked_values(api):
    result = json.loads(check(api, "--json").stdout)
    assert result["request"]["headers"]["Authorization"] == "Bearer ••••••"
    hop = result["actual"]["hops"][0]
    assert hop["request_headers"]["Cookie"] == "session=••••••"
    set_cookie = [value for name, value in hop["response_headers"] if name.lower() == "set-cookie"]
    assert set_cookie == ["session=••••••; Path=/; HttpOnly; SameSite=None; Secure"]


def test_verbose_human_output_shows_masked_values(api):
    out = check(api, "--verbose").stdout
    assert "Authorization: Bearer ••••••" in out
    assert "Cookie: session=••••••" in out
    assert "Set-Cookie: session=••••••; Path=/" in out


@pytest.mark.parametrize("mode", [["--verbose"], ["--json"]])
def test_show_secrets_shows_them(api, mode):
    run = check(api, "--show-secrets", *mode)
    for secret in SECRETS:
        assert secret in run.stdout, (secret, mode)
