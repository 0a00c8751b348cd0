"""URLs, origins, redirects and HAR entries are parsed as browsers parse them (WHATWG URL
Standard, via ada): a decimal or hex IPv4 host is the loopback address it names."""

from __future__ import annotations

import json

import pytest

from cors_doctor.errors import UsageError
from cors_doctor.model import RequestSpec
from cors_doctor.origin import normalize_url, origin_of, parse_origin, resolve_url
from cors_doctor.plan import build_plan
from cors_doctor.rules.redirects import redirect_target


@pytest.mark.parametrize(
    ("given", "browser"),
    [
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0x7f.1:8080/a", "http://127.0.0.1:8080/a"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("HTTPS://API.Example.COM:443/a b/../c?q=1#frag", "https://api.example.com/c?q=1"),
        ("https://straße.example/", "https://xn--strae-oqa.example/"),
        ("http://[0:0::1]:80/", "http://[::1]/"),
    ],
)
def test_target_urls_take_the_browsers_form(given: str, browser: str) -> None:
    assert normalize_url(given) == browser


def test_origins_take_the_browsers_form() -> None:
    assert origin_of("http://2130706433:8000/x").serialize() == "http://127.0.0.1:8000"
    assert parse_origin("http://0x7f000001:5173").serialize() == "http://127.0.0.1:5173"
    with pytest.raises(UsageError, match="is not a valid URL"):
        normalize_url("http://1.2.3.4.5.6/")  # a browser refuses an IPv4-looking host that is not one


def test_a_decimal_loopback_target_is_not_mixed_content() -> None:
    plan = build_plan(RequestSpec("http://2130706433:8000/items", "https://app.example.com"))
    assert plan.url == "http://127.0.0.1:8000/items"
    codes = {f.code for f in plan.findings}
    assert "CD107" not in codes and "CD108" in codes  # loopback: Local Network Access, not mixed content


def test_redirects_resolve_like_a_browser() -> None:
    target = redirect_target("http://127.0.0.1:8000/a/b", (("Location", "..\\c d"),))
    assert target.url == "http://127.0.0.1:8000/c%20d"
    assert redirect_target("http://127.0.0.1/", (("Location", "http://2130706433/x"),)).url == "http://127.0.0.1/x"
    assert redirect_target("http://127.0.0.1/", (("Location", "http://u:p@example.com/"),)).problem == "userinfo"
    assert redirect_target("http://127.0.0.1/", (("Location", "http://[::1/"),)).problem == "invalid-location"
    assert resolve_url("http://a.example/x", "//b.example/y") == "http://b.example/y"


def test_check_reaches_a_loopback_server_named_in_decimal(cli, loopback_server) -> None:
    server = loopback_server(lambda request: (200, [("Access-Control-Allow-Origin", "https://app.example.com")], b"ok"))
    result = cli("check", f"http://2130706433:{server.port}/items", "--origin", "https://app.example.com", "--json")
    doc = json.loads(result.stdout)
    assert doc["request"]["url"] == f"http://127.0.0.1:{server.port}/items"
    assert "CD107" not in {f["code"] for f in doc["findings"]}
    assert [r.path for r in server.received] == ["/items"]


@pytest.mark.parametrize("host", ["a.0", "example.0x1f", "1.2.3.4.5"])
def test_names_ending_in_a_number_are_refused_as_browsers_do(host: str) -> None:
    with pytest.raises(UsageError):
        parse_origin(f"http://{host}")
