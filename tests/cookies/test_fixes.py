"""The cookie fix per framework: the setting that carries SameSite=None; Secure, and the honest
alternative when the browser blocks third-party cookies whatever the server sends."""

from __future__ import annotations

import pytest

from cors_doctor.cookies import cookie_report
from cors_doctor.evaluate import Simulation
from cors_doctor.fixes import FRAMEWORKS
from cors_doctor.fixes.cookies import cookie_fix
from cors_doctor.model import RequestSpec, Response
from cors_doctor.plan import build_plan


def report_for(
    set_cookie: str,
    page: str = "https://app.example.com",
    url: str = "https://api.example.net/login",
    browser: str = "chrome",
    third_party=None,
):
    plan = build_plan(RequestSpec(url=url, origin=page, credentials=True, browser=browser))  # type: ignore[arg-type]
    sim = Simulation(plan)
    sim.next_request()
    sim.feed(
        Response(
            200,
            (
                ("Access-Control-Allow-Origin", page),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
                ("Set-Cookie", set_cookie),
            ),
        )
    )
    return cookie_report(sim.verdict(), third_party=third_party)


EXPECTED = {
    ("fastapi", "session"): 'SessionMiddleware, secret_key=SECRET_KEY, same_site="none", https_only=True',
    ("fastapi", "token"): 'response.set_cookie("token", value, samesite="none", secure=True',
    ("flask", "session"): 'SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True',
    ("django", "sessionid"): 'SESSION_COOKIE_SAMESITE = "None"',
    ("django", "csrftoken"): 'CSRF_COOKIE_SAMESITE = "None"',
    ("express", "connect.sid"): "cookie: { sameSite: 'none', secure: true",
    ("express", "token"): "res.cookie(\"token\", value, { sameSite: 'none', secure: true",
    ("nginx", "session"): "proxy_cookie_flags session secure samesite=none;",
    ("apache", "session"): 'Header always edit Set-Cookie "^(session=.*)$" "$1; Secure; SameSite=None"',
    ("spring", "JSESSIONID"): "server.servlet.session.cookie.same-site=none",
    ("aspnet", "session"): "options.Cookie.SameSite = SameSiteMode.None;",
    ("go", "session"): "SameSite: http.SameSiteNoneMode",
    ("caddy", "session"): "Set-Cookie: session=...; Path=/; Secure; HttpOnly; SameSite=None",
}


@pytest.mark.parametrize(("framework", "name"), sorted(EXPECTED))
def test_lax_cookie_fix_per_framework(framework, name):
    fix = cookie_fix(report_for(f"{name}=abc; SameSite=Lax; Secure"), "https://app.example.com", framework)
    assert fix is not None and fix.framework == framework
    assert EXPECTED[(framework, name)] in fix.snippet
    # Cross-site: the alternative that needs no third-party cookie is always offered.
    assert any("serve the API from the page's site" in note for note in fix.notes)


def test_every_framework_has_a_cookie_fix():
    assert {f for f, _ in EXPECTED} == set(FRAMEWORKS)


def test_blocked_third_party_cookie_gets_the_alternative_not_just_attributes():
    fix = cookie_fix(report_for("sid=1; SameSite=None; Secure", browser="safari"), "https://app.example.com", "fastapi")
    assert fix is not None
    assert any("a subdomain such as https://api.example.com" in note for note in fix.notes)
    assert any("Authorization header" in note for note in fix.notes)


def test_same_site_problem_gets_no_cross_site_advice():
    fix = cookie_fix(
        report_for("sid=1; Secure; SameSite=Lax; Domain=example.org", url="https://api.example.com/x"),
        "https://app.example.com",
        "flask",
    )
    assert fix is not None
    assert any("Domain" in note for note in fix.notes)
    assert not any("page's site" in note for note in fix.notes)


def test_nothing_to_fix_for_a_working_same_site_cookie():
    assert (
        cookie_fix(
            report_for("sid=1; Secure; SameSite=Lax", url="https://api.example.com/x"),
            "https://app.example.com",
            "django",
        )
        is None
    )
