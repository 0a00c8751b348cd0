"""Proxies from the environment, the way a browser on Linux uses them.

A loopback forward proxy logs each request line and sends it on to a loopback server. The
targets use the name api.cors-doctor.test, which only the proxy knows: the CLI runs with a
resolver that fails every non-loopback name, so going direct where the proxy was due (or the
other way round) shows up as a different result.
"""

from __future__ import annotations

import json

import pytest

from cors_doctor.errors import UsageError
from cors_doctor.net._transport import Route, _bypassed, choose_route

from .conftest import PAGE, assert_one_error, cors, free_port, run_cli
from .servers import ForwardProxy, reply

NAME = "api.cors-doctor.test"


@pytest.fixture
def proxy():
    with ForwardProxy() as running:
        yield running


@pytest.fixture
def api(serve):
    return serve({"/items": reply(200, cors(PAGE), b"[]")})


def check(url: str, env: dict[str, str], *args: str):
    return run_cli("check", url, "--origin", PAGE, "--json", *args, env=env, offline=True)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_an_http_request_goes_through_the_proxy_from_the_environment(proxy, api, variable):
    url = f"http://{NAME}:{api.port}/items"
    run = check(url, {variable: proxy.url})
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["allowed"] is True
    assert proxy.lines == [f"GET {url} HTTP/1.1"]
    assert api.log[0].header("Host") == f"{NAME}:{api.port}"


def test_credentials_in_the_proxy_url_go_to_the_proxy_only(proxy, api):
    url = f"http://{NAME}:{api.port}/items"
    run = check(url, {"HTTP_PROXY": proxy.url.replace("http://", "http://ada:s%3Acret@")})
    assert run.code == 0, run.stderr
    assert "Proxy-Authorization: Basic YWRhOnM6Y3JldA==" in proxy.heads[0]  # ada:s:cret
    assert "s:cret" not in run.stdout and "YWRh" not in run.stdout


def test_an_https_request_tunnels_through_the_proxy(proxy, serve, certs):
    server = serve({"/items": reply(200, cors(PAGE), b"[]")}, ssl_context=certs.server_context(NAME))
    run = check(f"https://{NAME}:{server.port}/items", {"HTTPS_PROXY": proxy.url}, "--cacert", certs.ca_file)
    assert run.code == 0, run.stderr
    assert proxy.lines == [f"CONNECT {NAME}:{server.port} HTTP/1.1"]
    assert server.methods() == ["GET"]


@pytest.mark.parametrize(
    "no_proxy", [NAME, "cors-doctor.test", ".cors-doctor.test", "*", "example.org, cors-doctor.test"]
)
def test_no_proxy_is_honoured(proxy, api, no_proxy):
    run = check(f"http://{NAME}:{api.port}/items", {"HTTP_PROXY": proxy.url, "NO_PROXY": no_proxy})
    # Direct, so the name had to be resolved, and only the proxy knows it.
    assert_one_error(run, f"cannot resolve the host '{NAME}'")
    assert proxy.lines == []


def test_no_proxy_for_another_domain_still_uses_the_proxy(proxy, api):
    run = check(f"http://{NAME}:{api.port}/items", {"HTTP_PROXY": proxy.url, "NO_PROXY": "example.org,doctor.test"})
    assert run.code == 0, run.stderr
    assert len(proxy.lines) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_targets_never_go_through_a_proxy(proxy, api, host):
    """Chrome's implicit bypass rules: a proxy cannot reach the developer's localhost anyway."""
    run = check(api.url("/items", host=host), {"HTTP_PROXY": proxy.url, "ALL_PROXY": proxy.url})
    assert run.code == 0, run.stderr
    assert proxy.lines == []
    assert api.methods() == ["GET"]


def test_a_proxy_that_refuses_connections_is_named_with_its_variable(api):
    port = free_port()
    run = check(f"http://{NAME}:{api.port}/items", {"HTTP_PROXY": f"http://127.0.0.1:{port}"})
    assert_one_error(run, f"connection refused by the proxy 127.0.0.1:{port} (HTTP_PROXY)", hint="NO_PROXY")


def test_a_proxy_that_refuses_the_tunnel_is_one_line(serve, certs):
    refusing = serve({}, default=reply(403, [("Content-Type", "text/plain")], b"blocked by policy"))
    run = check(f"https://{NAME}:443/items", {"HTTPS_PROXY": refusing.url("").rstrip("/")}, "--cacert", certs.ca_file)
    assert_one_error(run, "the proxy", "refused to reach", f"{NAME}:443")
    assert refusing.log[0].method == "CONNECT"


def test_a_socks_proxy_is_refused_clearly(api):
    run = check(f"http://{NAME}:{api.port}/items", {"ALL_PROXY": "socks5://127.0.0.1:1080"})
    assert_one_error(run, "ALL_PROXY", "only http:// and https:// proxies")


def test_the_demo_works_with_a_proxy_set(proxy):
    run = run_cli("demo", env={"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url}, offline=True)
    assert run.code == 0, run.stdout[-2000:] + run.stderr
    assert proxy.lines == []


# -- the route choice itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "bypassed"),
    [
        ("api.example.com", 443, "example.com", True),
        ("example.com", 443, "example.com", True),
        ("badexample.com", 443, "example.com", False),
        ("api.example.com", 443, ".example.com", True),
        ("api.example.com", 443, "*.example.com", True),
        ("api.example.com", 443, "*", True),
        ("api.example.com", 443, "", False),
        ("api.example.com", 8443, "api.example.com:443", False),
        ("api.example.com", 443, "api.example.com:443", True),
        ("10.1.2.3", 80, "10.0.0.0/8", True),
        ("11.1.2.3", 80, "10.0.0.0/8", False),
        ("[2001:db8::1]", 80, "2001:db8::/32", True),
        ("[2001:db8::1]", 80, "2001:db8::1", True),
        ("[2001:db8::1]", 8080, "[2001:db8::1]:8080", True),
        ("API.Example.COM", 443, "example.com", False),  # hosts arrive lowercased; see choose_route
    ],
)
def test_no_proxy_matching(host, port, no_proxy, bypassed):
    assert _bypassed(host, port, no_proxy) is bypassed


def test_choose_route_prefers_lowercase_variables_and_skips_http_proxy_under_cgi():
    env = {"http_proxy": "http://lower:1", "HTTP_PROXY": "http://upper:2"}
    assert choose_route("http://api.example.com/", True, env) == Route("http://lower:1", "http_proxy")
    cgi = {"HTTP_PROXY": "http://injected:3", "REQUEST_METHOD": "GET"}
    assert choose_route("http://api.example.com/", True, cgi) == Route()


def test_choose_route_uppercase_host_and_scheme_less_proxy():
    env = {"HTTPS_PROXY": "127.0.0.1:3128", "NO_PROXY": "example.com"}
    assert choose_route("https://API.EXAMPLE.COM/x", True, env) == Route()
    assert choose_route("https://api.other.org/x", True, env) == Route("http://127.0.0.1:3128", "HTTPS_PROXY")
    assert choose_route("https://api.other.org/x", False, env) == Route()


def test_choose_route_never_proxies_loopback_or_link_local():
    env = {"ALL_PROXY": "http://proxy:1"}
    for url in ("http://127.0.0.2:8000/", "http://[::1]/", "http://app.localhost/", "http://169.254.1.1/"):
        assert choose_route(url, True, env) == Route(), url


def test_choose_route_refuses_unsupported_proxy_schemes():
    with pytest.raises(UsageError, match="socks5h"):
        choose_route("http://api.example.com/", True, {"all_proxy": "socks5h://127.0.0.1:1080"})
