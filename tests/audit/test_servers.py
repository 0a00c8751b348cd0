"""Real misconfigured servers on 127.0.0.1 must produce the right findings, a correct one none.

The servers listen on loopback, but their policies are about https://app.example.com: the
audit is told to trust that origin and derives its look-alikes from it.
"""

from __future__ import annotations

import pytest

from cors_doctor.audit.model import ARBITRARY_ORIGIN
from tests._loopback import closing_all

from . import servers
from .conftest import codes, run_audit, worst
from .servers import TRUSTED

pytestmark = pytest.mark.integration


def _only_safe_methods(server) -> None:
    assert server.received, "the server saw no request"
    assert {r.method for r in server.received} <= {"GET", "OPTIONS"}


def _finding(result, code):
    return next(f for f in result.findings if f.code == code)


# --- Starlette's CORSMiddleware with careless settings ------------------------------------


def test_starlette_regex_with_leading_wildcard_accepts_attacker_domains(starlette):
    url = starlette(allow_origin_regex=r"https://.*example.com", allow_credentials=True, allow_methods=["GET", "PUT"])
    result = run_audit(url + "/items")
    found = codes(result)
    assert found["CD704"] == "high"  # https://evilexample.com: anyone can register it
    assert found["CD707"] == "medium"  # any subdomain, with credentials
    assert "CD701" not in found  # https://evil.example is refused: no reflection
    # https://appxexample.com passes because nothing anchors the name, as evilexample.com shows:
    # not an unescaped-dot finding of its own.
    assert "CD706" not in found
    suffix = _finding(result, "CD704")
    assert suffix.credentials is True
    assert suffix.origins[0] == "https://evilexample.com" and "https://appxexample.com" in suffix.origins
    assert suffix.context == "GET"  # the preflight path answers like the GET path, so look-alikes get no preflight
    assert result.trusted[0].allowed and result.trusted[0].credentials


def test_starlette_unescaped_dots_only(starlette):
    url = starlette(allow_origin_regex=r"https://app.example.com", allow_credentials=True)
    result = run_audit(url + "/items")
    assert codes(result) == {"CD706": "high"}
    finding = result.findings[0]
    assert finding.origins == ("https://appxexample.com",)
    assert finding.evidence[0].allow_origin == "https://appxexample.com"
    assert finding.evidence[0].allows_credentials


def test_starlette_subdomain_wildcard_is_medium_not_high(starlette):
    url = starlette(allow_origin_regex=r"https://([a-z0-9-]+\.)?example\.com", allow_credentials=True)
    result = run_audit(url + "/items")
    assert codes(result) == {"CD707": "medium"}  # the other names under example.com fold into it
    # One level only: evil.app.example.com is refused, evil.example.com and evilapp.example.com are not.
    assert set(result.findings[0].origins) == {"https://evil.example.com", "https://evilapp.example.com"}


def test_starlette_subdomain_wildcard_without_credentials_is_info(starlette):
    url = starlette(allow_origin_regex=r"https://([a-z0-9-]+\.)?example\.com")
    assert codes(run_audit(url + "/items")) == {"CD707": "info"}


def test_starlette_star_with_credentials_reflects_everything(starlette):
    # Starlette 1.x echoes the Origin whenever allow_origins=["*"] meets allow_credentials=True.
    url = starlette(allow_origins=["*"], allow_credentials=True)
    result = run_audit(url + "/items")
    assert codes(result) == {"CD701": "high"}
    assert "null" in result.findings[0].origins


def test_starlette_star_without_credentials_is_only_info(starlette):
    url = starlette(allow_origins=["*"])
    result = run_audit(url + "/items")
    assert codes(result) == {"CD713": "info"}


def test_starlette_correct_configuration_has_no_finding(starlette):
    url = starlette(allow_origins=[TRUSTED], allow_credentials=True, allow_methods=["GET", "PUT"])
    result = run_audit(url + "/items")
    assert worst(result) in (None, "info", "low")
    assert result.findings == ()
    assert result.trusted[0].allowed and result.trusted[0].credentials and result.trusted[0].preflight_allowed


# --- hand-written policies ------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_reflect_every_origin_with_credentials(loopback_server, transport):
    server = loopback_server(servers.reflect_all)
    result = run_audit(server.url + "/items", transport=transport)
    found = codes(result)
    assert found["CD701"] == "high"
    assert found["CD714"] == "low"  # reflection without Vary: Origin
    assert not {"CD703", "CD704", "CD706", "CD707", "CD710"} & set(found)  # folded into CD701
    reflected = _finding(result, "CD701")
    assert reflected.credentials is True and reflected.origins[0] == ARBITRARY_ORIGIN
    assert reflected.evidence[0].probe.origin == ARBITRARY_ORIGIN
    _only_safe_methods(server)


def test_null_origin_with_credentials(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED, "null"}))
    result = run_audit(server.url + "/items")
    assert codes(result) == {"CD702": "high"}
    assert result.findings[0].origins == ("null",)


def test_reflection_without_vary_is_a_cache_poisoning_finding(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED}, vary=False))
    result = run_audit(server.url + "/items")
    assert codes(result) == {"CD714": "low"}
    finding = result.findings[0]
    assert {o.allow_origin for o in finding.evidence} == {TRUSTED, None}


def test_missing_vary_behind_a_shared_cache_is_medium(loopback_server):
    server = loopback_server(
        servers.allow_list({TRUSTED}, vary=False, extra=[("Cache-Control", "public, max-age=300")])
    )
    assert codes(run_audit(server.url + "/items")) == {"CD714": "medium"}


def test_cors_on_200_but_not_on_404(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED}, error_cors=False))
    result = run_audit(server.url + "/api/items".replace("/api", ""))
    assert codes(result) == {"CD715": "info"}
    finding = result.findings[0]
    assert [o.response.status for o in finding.evidence] == [200, 404]
    assert any(r.path.startswith("/cors-doctor-missing-") and r.header("Origin") == TRUSTED for r in server.received)


def test_wildcard_without_credentials_is_never_high(loopback_server):
    server = loopback_server(servers.wildcard(credentials=False))
    result = run_audit(server.url + "/items")
    assert codes(result) == {"CD713": "info"}


def test_wildcard_with_credentials_is_low(loopback_server):
    server = loopback_server(servers.wildcard(credentials=True))
    assert codes(run_audit(server.url + "/items")) == {"CD712": "low"}


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_correct_allow_list_with_vary_has_no_finding(loopback_server, transport):
    server = loopback_server(servers.allow_list({TRUSTED}))
    result = run_audit(server.url + "/items", transport=transport)
    assert result.findings == ()
    assert result.error is None and result.failed_requests == 0
    _only_safe_methods(server)


def test_preflight_only_reflection_is_found(loopback_server):
    server = loopback_server(servers.preflight_reflects)
    result = run_audit(server.url + "/items")
    reflected = _finding(result, "CD701")
    assert reflected.severity == "medium" and reflected.context == "preflight"
    assert reflected.evidence[0].probe.method == "OPTIONS"
    assert "PUT/DELETE" in reflected.impact


def test_plain_http_twin_of_the_trusted_origin(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED, "http://app.example.com"}))
    result = run_audit(server.url + "/items")
    assert codes(result) == {"CD708": "medium"}


def test_shared_hosting_origin(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED, "https://evil.github.io"}))
    assert codes(run_audit(server.url + "/items")) == {"CD710": "high"}


def test_localhost_left_in_the_allow_list(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED, "http://localhost:3000"}))
    assert codes(run_audit(server.url + "/items")) == {"CD711": "low"}


def test_special_characters_fool_a_lax_parser(loopback_server):
    server = loopback_server(servers.lax_parser)
    result = run_audit(server.url + "/items")
    found = codes(result)
    assert found.pop("CD709") == "medium"
    assert "https://app.example.com_.evil.example" in _finding(result, "CD709").origins
    # The pattern admits http:// too; the look-alikes with a dot or a dash stay refused.
    assert found == {"CD708": "medium"}


def test_private_network_access_granted_to_anyone(loopback_server):
    server = loopback_server(servers.private_network_for_all)
    result = run_audit(server.url + "/items")
    assert codes(result)["CD716"] == "low"  # a loopback server
    assert any("Private Network Access preflight" in n and "granted" in n for n in result.notes)
    pna = [r for r in server.received if r.header("Access-Control-Request-Private-Network")]
    assert {r.method for r in pna} == {"OPTIONS"} and len(pna) == 2


def test_two_allow_origin_lines_are_malformed(loopback_server):
    server = loopback_server(servers.two_values)
    found = codes(run_audit(server.url + "/items"))
    assert found["CD717"] == "info"
    assert "CD701" not in found


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_no_cookie_jar_between_probes(loopback_server, transport):
    server = loopback_server(servers.sets_cookies)
    run_audit(server.url + "/items", transport=transport)
    assert len(server.received) >= 10  # reflection with credentials: the look-alikes are implied
    assert all(r.header("Cookie") is None for r in server.received)


def test_user_headers_go_on_get_probes_only(loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED}))
    run_audit(server.url + "/items", TRUSTED, extra_headers=(("Authorization", "Bearer t0ken"), ("Cookie", "s=1")))
    gets = [r for r in server.received if r.method == "GET"]
    preflights = [r for r in server.received if r.method == "OPTIONS"]
    assert gets and all(r.header("Authorization") == "Bearer t0ken" and r.header("Cookie") == "s=1" for r in gets)
    assert preflights and all(r.header("Authorization") is None and r.header("Cookie") is None for r in preflights)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_crafted_origins_reach_the_server_byte_for_byte(loopback_server, transport):
    server = loopback_server(servers.allow_list({TRUSTED}))
    run_audit(server.url + "/items", transport=transport)
    sent = {r.header("Origin") for r in server.received}
    assert {
        "null",
        "https://app.example.com`.evil.example",
        "https://app.example.com%60.evil.example",
        "https://app.example.com.evil.example",
        "https://appxexample.com",
        "http://app.example.com",
    } <= sent


@pytest.fixture
def dropping_server():
    with closing_all(servers.DroppingServer) as start:
        yield start


def test_a_probe_that_breaks_does_not_stop_the_audit(dropping_server):
    server = dropping_server()
    result = run_audit(server.url + "/items")
    assert result.error is None
    assert result.failed_requests == 1  # the backtick origin
    assert result.findings == ()
    assert any("1 of" in n and "requests failed" in n for n in result.notes)


def test_a_server_that_never_answers_in_time_is_not_audited(dropping_server):
    server = dropping_server(slow=2.0)
    result = run_audit(server.url + "/items", timeout=0.3)
    assert result.error is not None and "timeout" in result.error
    assert result.requests_sent == 1  # nothing more is sent to an unreachable URL


@pytest.fixture
def flask_server():
    with closing_all(servers.FlaskServer) as start:
        yield lambda **cors: start(**cors).url


def test_flask_cors_default_with_credentials_reflects_every_origin(flask_server):
    result = run_audit(flask_server(supports_credentials=True) + "/items")
    assert codes(result)["CD701"] == "high"
    # Vary: Origin comes only with an Origin: the reply to a request without one may be cached for all.
    assert codes(result)["CD714"] == "info"


def test_flask_cors_with_an_allow_list_is_clean(flask_server):
    result = run_audit(flask_server(origins=[TRUSTED], supports_credentials=True) + "/items")
    assert worst(result) in (None, "info", "low")
    assert result.trusted[0].credentials
