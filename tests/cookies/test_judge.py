"""The cookie judgement, rule by rule (pure: no network)."""

from __future__ import annotations

import pytest

from cors_doctor.cookies import (
    context_for,
    cookie_report,
    judge_held_cookie,
    judge_set_cookie,
    parse_cookie_option,
    parse_set_cookie,
    policy_for,
)
from cors_doctor.cookies.parse import cookie_header
from cors_doctor.cookies.site import registrable_domain, same_site, site_of
from cors_doctor.evaluate import Simulation
from cors_doctor.model import RequestSpec, Response
from cors_doctor.origin import OPAQUE, parse_origin
from cors_doctor.plan import build_plan

LOCAL_PAGE = "http://localhost:5173"
LOOPBACK_API = "http://127.0.0.1:8000/login"


def judge(
    line: str,
    page: str = "https://app.example.com",
    url: str = "https://api.example.net/login",
    browser: str = "chrome",
    third_party=None,
):
    policy = policy_for(browser, third_party)  # type: ignore[arg-type]
    return judge_set_cookie(parse_set_cookie(line), context_for(parse_origin(page), url, policy), policy)


def kinds(judgement) -> list[str]:
    return [p.kind for p in judgement.problems]


# -- parsing ------------------------------------------------------------------------------


def test_parse_reads_attributes_case_insensitively_and_last_one_wins():
    c = parse_set_cookie("sid=a=b; secure; SAMESITE=lax; samesite=None; Domain=.Example.COM; Path=/x; Partitioned")
    assert (c.name, c.value, c.secure, c.same_site, c.domain, c.path, c.partitioned) == (
        "sid",
        "a=b",
        True,
        "none",
        "example.com",
        "/x",
        True,
    )


def test_parse_unknown_samesite_value_counts_as_absent():
    c = parse_set_cookie("sid=1; SameSite=Relaxed")
    assert c.same_site is None and c.same_site_raw == "Relaxed"


def test_parse_nameless_cookie_and_malformed_lines():
    assert parse_set_cookie("token").name == "" and parse_set_cookie("token").value == "token"
    assert parse_set_cookie("; Path=/").malformed
    assert parse_set_cookie("a=1\x01").malformed


def test_cookie_option_keeps_attributes_off_the_wire():
    held = parse_cookie_option("a=1; SameSite=None; Secure; b=2; samesite=strict")
    assert [(c.name, c.same_site, c.secure, c.attributes_known) for c in held] == [
        ("a", "none", True, True),
        ("b", "strict", False, True),
    ]
    assert cookie_header(held) == "a=1; b=2"


# -- sites --------------------------------------------------------------------------------


def test_registrable_domain_uses_the_public_suffix_list():
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert registrable_domain("me.github.io") == "me.github.io"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("localhost") == "localhost"


def test_same_site_is_schemeful_only_when_asked():
    a, b = site_of("http", "app.example.com"), site_of("https", "api.example.com")
    assert not same_site(a, b, schemeful=True)
    assert same_site(a, b, schemeful=False)
    assert not same_site(site_of("https", "a.github.io"), site_of("https", "b.github.io"), schemeful=True)


# -- one test per rule --------------------------------------------------------------------


def test_same_site_cross_origin_lax_cookie_is_stored_and_sent():
    j = judge("sid=1; SameSite=Lax; Secure", url="https://api.example.com/login")
    assert j.stored and j.sent and not j.problems


def test_cd802_malformed():
    j = judge("=; Secure")
    assert not j.stored and kinds(j) == ["malformed"]


def test_cd803_none_without_secure_refused_in_chrome_and_firefox():
    assert "none-without-secure" in kinds(judge("sid=1; SameSite=None"))
    assert not judge("sid=1; SameSite=None").stored
    assert not judge("sid=1; SameSite=None", browser="firefox").stored
    assert "none-without-secure" not in kinds(judge("sid=1; SameSite=None", browser="safari"))


def test_cd804_secure_over_http_and_the_localhost_exception():
    j = judge("sid=1; Secure; SameSite=None", page="http://app.example.com", url="http://api.example.com/x")
    assert not j.stored and "secure-over-http" in kinds(j)
    ok = judge("sid=1; Secure; SameSite=None", page=LOCAL_PAGE, url="http://localhost:8000/x")
    assert ok.stored and ok.sent
    webkit = judge(
        "sid=1; Secure; SameSite=None", page="http://127.0.0.1:5173", url="http://127.0.0.1:8000/x", browser="safari"
    )
    assert not webkit.stored and "secure-over-http" in kinds(webkit)


@pytest.mark.parametrize(
    "line",
    [
        "__Secure-sid=1; SameSite=None",
        "__Host-sid=1; Secure; SameSite=None",  # no Path=/
        "__Host-sid=1; Secure; Path=/; Domain=example.net; SameSite=None",
        "__host-sid=1; Path=/; SameSite=None",  # the prefixes are matched case-insensitively
    ],
)
def test_cd805_prefixes(line):
    j = judge(line)
    assert not j.stored and "prefix" in kinds(j)


def test_cd805_valid_host_prefix_is_stored():
    assert judge("__Host-sid=1; Secure; Path=/; SameSite=None").stored


@pytest.mark.parametrize("domain", ["example.com", "net", "co.uk", "other.example.net"])
def test_cd806_domain_the_host_is_not_within(domain):
    j = judge(f"sid=1; Secure; SameSite=None; Domain={domain}")
    assert not j.stored and "domain" in kinds(j)


def test_cd806_parent_domain_is_fine():
    assert judge("sid=1; Secure; SameSite=None; Domain=example.net").stored


@pytest.mark.parametrize("browser", ["chrome", "firefox", "safari"])
def test_cd807_explicit_lax_is_not_stored_cross_site_anywhere(browser):
    j = judge("sid=1; Secure; SameSite=Lax", browser=browser)
    assert not j.stored and "samesite-cross-site" in kinds(j)


def test_cd807_schemeful_cross_site():
    j = judge("sid=1; SameSite=Strict", page="http://app.example.com", url="https://api.example.com/x")
    assert not j.stored and "schemeful" in j.problems[0].text


def test_cd808_lax_by_default_in_chrome_and_cd814_elsewhere():
    chrome = judge("sid=1; Secure")
    assert not chrome.stored and kinds(chrome) == ["lax-by-default"]
    firefox = judge("sid=1; Secure", browser="firefox")
    assert firefox.stored and "lax-by-default-elsewhere" in kinds(firefox)


def test_cd809_third_party_blocked_in_safari_and_when_chrome_blocks():
    assert "third-party-blocked" in kinds(judge("sid=1; Secure; SameSite=None", browser="safari"))
    blocked = judge("sid=1; Secure; SameSite=None", third_party="block")
    assert not blocked.stored and kinds(blocked) == ["third-party-blocked"]


def test_cd810_partitioned_needs_secure_in_chrome():
    j = judge("sid=1; SameSite=None; Partitioned", page=LOCAL_PAGE, url=LOOPBACK_API)
    assert not j.stored and "partitioned-without-secure" in kinds(j)


def test_cd811_partitioned_survives_a_third_party_block():
    j = judge("sid=1; Secure; SameSite=None; Partitioned", third_party="block")
    assert j.stored and j.sent and j.partitioned and kinds(j) == ["partitioned"]
    firefox = judge("sid=1; Secure; SameSite=None", browser="firefox")
    assert firefox.stored and firefox.partitioned


def test_cd812_path_that_does_not_cover_the_url():
    j = judge("sid=1; Secure; SameSite=None; Path=/auth", url="https://api.example.net/authx")
    assert j.stored and not j.sent and "path" in kinds(j)
    assert judge("sid=1; Secure; SameSite=None; Path=/auth", url="https://api.example.net/auth/x").sent


def test_cd813_third_party_cookie_in_default_chrome():
    j = judge("sid=1; Secure; SameSite=None")
    assert j.stored and j.sent and kinds(j) == ["third-party-setting"]


def test_opaque_page_is_cross_site_to_everything():
    policy = policy_for("chrome")
    ctx = context_for(OPAQUE, "https://api.example.net/", policy)
    assert ctx.cross_site and not judge_set_cookie(parse_set_cookie("a=1; SameSite=Lax"), ctx, policy).stored


# -- held cookies (--cookie) -------------------------------------------------------------


def held(text: str, browser: str = "chrome", page: str = LOCAL_PAGE, url: str = LOOPBACK_API):
    policy = policy_for(browser)  # type: ignore[arg-type]
    ctx = context_for(parse_origin(page), url, policy)
    return [judge_held_cookie(c, ctx, policy) for c in parse_cookie_option(text)]


def test_held_cookie_without_attributes_is_judged_as_set_without_samesite():
    (j,) = held("sid=1")
    assert not j.sent and [p.kind for p in j.problems] == ["lax-by-default"]
    (ff,) = held("sid=1", browser="firefox")
    assert ff.sent


def test_held_cookie_with_attributes():
    lax, none = held("a=1; SameSite=Lax; b=2; SameSite=None; Secure")
    assert not lax.sent and none.sent
    (safari,) = held("b=2; SameSite=None; Secure", browser="safari")
    assert not safari.sent


# -- wired into every verdict ------------------------------------------------------------


def run(set_cookies: list[str], credentials: bool = True, cookie: str | None = None, browser: str = "chrome"):
    plan = build_plan(RequestSpec(url=LOOPBACK_API, origin=LOCAL_PAGE, credentials=credentials, browser=browser))  # type: ignore[arg-type]
    sim = Simulation(plan, cookie=cookie)
    request = sim.next_request()
    headers = [("Access-Control-Allow-Origin", LOCAL_PAGE), ("Vary", "Origin")]
    if credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    sim.feed(Response(200, tuple(headers + [("Set-Cookie", line) for line in set_cookies])))
    return request, sim.verdict()


def test_verdict_carries_cookie_findings_without_changing_the_cors_verdict():
    _, verdict = run(["sid=1; HttpOnly"])
    assert verdict.allowed
    assert [f.code for f in verdict.findings] == ["CD808"]
    assert verdict.findings[0].step == "cookies"


def test_cd801_set_cookie_ignored_without_credentials():
    _, verdict = run(["sid=1; SameSite=None; Secure"], credentials=False)
    assert [f.code for f in verdict.findings] == ["CD801"]


def test_cookie_option_attributes_never_reach_the_server():
    request, verdict = run([], cookie="sid=1; SameSite=None; Secure")
    assert ("Cookie", "sid=1") in request.headers
    assert [f.code for f in verdict.findings] == ["CD813"]


def test_report_for_a_check_without_cookies_is_empty():
    _, verdict = run([])
    assert cookie_report(verdict).empty and verdict.findings == ()


def test_webkit_engine_rules_prefixes_and_ip_domains():
    """What WebKitGTK did in the live suite: prefixes not enforced, Domain=<IP> refused."""
    page = "http://127.0.0.1:5173"
    assert judge("__Secure-c=1; SameSite=None", page=page, url="http://127.0.0.1:8000/x", browser="safari").stored
    ip = judge("c=1; Domain=127.0.0.1", page=page, url="http://127.0.0.1:8000/x", browser="safari")
    assert not ip.stored and kinds(ip) == ["domain"]
    assert judge("c=1; Domain=127.0.0.1", page=page, url="http://127.0.0.1:8000/x").stored
