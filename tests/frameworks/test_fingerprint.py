"""Guessing the framework from replies, and the CD6xx pitfalls, from scripted replies (no network).

The real servers in the other modules confirm the FastAPI, Flask, Django, Express and nginx
fingerprints; these cover the rest and the decision rules (weights, proxies, the default).
"""

from __future__ import annotations

from cors_doctor.diagnosis import diagnose, echoes_origin_with_credentials
from cors_doctor.diagnosis.fingerprint import guess_framework, identify
from cors_doctor.diagnosis.pitfalls import CANARY_ORIGIN, detect

from .offline import AUTH, JSON, PAGE, reply, verdict

ACAO = ("Access-Control-Allow-Origin", PAGE)


def preflighted(*replies, credentials=False):
    return verdict(*replies, method="PUT", headers=(JSON, AUTH), credentials=credentials)


def codes(v, framework="fastapi", canary=None):
    return {f.code for f in detect(v, framework, canary)}


def test_starlette_refusal_body():
    g = guess_framework(preflighted(reply(400, ("content-type", "text/plain"), body="Disallowed CORS origin")))
    assert g.name == "fastapi" and g.guessed and "Disallowed CORS origin" in g.evidence[0]


def test_spring_invalid_cors_request():
    v = preflighted(reply(403, ("Content-Type", "text/plain"), body="Invalid CORS request"))
    assert guess_framework(v).name == "spring"
    assert codes(v, "spring") == {"CD601"}


def test_kestrel_is_aspnet():
    v = preflighted(reply(204, ("Server", "Kestrel")))
    assert guess_framework(v).name == "aspnet"


def test_rs_cors_refusal_shape():
    vary = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
    g = guess_framework(preflighted(reply(204, vary)))
    assert g.name == "go" and "rs/cors" in g.evidence[0]


def test_go_net_http_404():
    assert (
        guess_framework(
            verdict(reply(404, ("Content-Type", "text/plain; charset=utf-8"), body="404 page not found\n"))
        ).name
        == "go"
    )


def test_caddy_and_apache_servers():
    assert guess_framework(verdict(reply(200, ("Server", "Caddy")))).name == "caddy"
    apache_404 = "<html><body><h1>Not Found</h1><hr><address>Apache/2.4.62 (Debian) Server at x Port 80</address>"
    assert guess_framework(verdict(reply(404, ("Server", "Apache/2.4.62 (Debian)"), body=apache_404))).name == "apache"


def test_django_security_headers():
    v = preflighted(
        reply(
            200,
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Length", "0"),
            ("Vary", "origin"),
        )
    )
    assert guess_framework(v).name == "django"


def test_application_behind_a_proxy_wins_and_the_proxy_is_mentioned():
    v = verdict(reply(200, ("Server", "nginx/1.22.1"), ("X-Powered-By", "Express")))
    g = guess_framework(v)
    assert g.name == "express"
    assert any("--framework nginx" in e for e in g.evidence)


def test_nothing_points_anywhere_means_fastapi_and_says_so():
    g = guess_framework(verdict(reply(200)))
    assert g.name == "fastapi" and g.guessed and "nothing in the replies" in g.evidence[0]


def test_chosen_framework_is_not_a_guess():
    g = identify(verdict(reply(200, ("Server", "nginx"))), "flask")
    assert g.name == "flask" and not g.guessed


def test_preflight_behind_authentication():
    v = preflighted(reply(401, ("WWW-Authenticate", "Bearer")))
    found = detect(v, "spring")
    assert {f.code for f in found} == {"CD610"}
    assert "http.cors" in found[0].fix and "WWW-Authenticate: Bearer" in found[0].message


def test_router_answers_the_preflight():
    assert "CD605" in codes(preflighted(reply(405, ("Allow", "GET"))))
    # Express's and Flask's automatic OPTIONS reply: 200 with an Allow header and no CORS headers.
    assert "CD605" in codes(preflighted(reply(200, ("Allow", "GET,HEAD,PUT"), body="GET,HEAD,PUT")), "express")
    assert "CD605" in codes(preflighted(reply(200, ("Allow", "GET, PUT, OPTIONS"))), "flask")


def test_starlette_refusal_names_each_list():
    body = "Disallowed CORS origin, method, headers"
    found = [
        f
        for f in detect(
            preflighted(reply(400, ("Access-Control-Allow-Headers", "Accept, Content-Type"), body=body)), "fastapi"
        )
        if f.code == "CD601"
    ]
    assert len(found) == 1
    message = found[0].message
    assert PAGE in message and "allow_origins" in message and "PUT" in message and "allow_methods" in message
    assert "authorization" in message and "content-type" not in message.split("allow_methods")[1]


def test_default_methods():
    starlette = preflighted(reply(400, ACAO, ("Access-Control-Allow-Methods", "GET"), body="Disallowed CORS method"))
    assert {"CD601", "CD603"} <= codes(starlette, "fastapi")
    spring = preflighted(reply(200, ACAO, ("Access-Control-Allow-Methods", "GET,HEAD")))
    assert "CD603" in codes(spring, "spring")
    assert "CD603" not in codes(spring, "express")  # not Express's default: no claim about defaults


def test_nginx_without_always():
    preflight_ok = reply(
        204,
        ("Server", "nginx/1.22.1"),
        ACAO,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
    )
    not_found = reply(404, ("Server", "nginx/1.22.1"), body="<html><center>nginx/1.22.1</center>")
    v = preflighted(preflight_ok, not_found)
    found = [f for f in detect(v, "nginx") if f.code == "CD604"]
    assert found and "although its 204 reply had them" in found[0].message and "always" in found[0].fix


def test_crash_outside_cors_is_explained_per_framework():
    v = verdict(reply(500, ("Server", "uvicorn"), body="Internal Server Error"))
    found = [f for f in detect(v, "fastapi") if f.code == "CD602"]
    assert found and "ServerErrorMiddleware" in found[0].message and "app = CORSMiddleware(app" in found[0].fix
    django = [f for f in detect(v, "django") if f.code == "CD602"]
    assert "handler500" in django[0].message


def test_two_layers_add_the_header():
    v = verdict(reply(200, ("Server", "nginx"), ("Access-Control-Allow-Origin", "*"), ACAO))
    found = [f for f in detect(v, "fastapi") if f.code == "CD606"]
    assert found and "nginx" in found[0].message and "proxy_hide_header" in found[0].fix


def test_hard_coded_origin():
    v = verdict(reply(200, ("Access-Control-Allow-Origin", "http://localhost:3000")))
    assert "CD608" in codes(v)
    assert "CD608" not in codes(verdict(reply(200, ("Access-Control-Allow-Origin", PAGE + "/"))))  # a typo, CD304's job


def test_wildcard_with_credentials_configuration():
    v = verdict(
        reply(200, ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")), credentials=True
    )
    found = [f for f in detect(v, "go") if f.code == "CD609"]
    assert found and "AllowCredentials" in found[0].message and "do not echo" in found[0].fix


def test_reflection_needs_the_canary():
    echo = reply(200, ACAO, ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin"))
    page = verdict(echo, credentials=True)
    assert echoes_origin_with_credentials(page)
    assert "CD607" not in codes(page)  # one origin echoed proves nothing: it may be on the allow-list
    refused = verdict(reply(200, ("Vary", "Origin")), origin=CANARY_ORIGIN, credentials=True)
    assert "CD607" not in codes(page, "fastapi", refused)
    echoed = verdict(
        reply(200, ("Access-Control-Allow-Origin", CANARY_ORIGIN), ("Access-Control-Allow-Credentials", "true")),
        origin=CANARY_ORIGIN,
        credentials=True,
    )
    found = [f for f in detect(page, "flask", echoed) if f.code == "CD607"]
    assert found and "supports_credentials=True" in found[0].message
    assert found[0].severity == "warning"


def test_no_canary_without_credentials_or_echo():
    assert not echoes_origin_with_credentials(verdict(reply(200, ACAO)))
    assert not echoes_origin_with_credentials(
        verdict(reply(200, ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")))
    )


def test_diagnose_merges_findings_by_severity():
    d = diagnose(
        preflighted(reply(405, ("Allow", "GET"), ("Server", "uvicorn"), body='{"detail":"Method Not Allowed"}'))
    )
    severities = [f.severity for f in d.verdict.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert "CD605" in {f.code for f in d.verdict.findings}
    assert d.framework.name == "fastapi" and d.fix.framework == "fastapi"


def test_cors_headers_lost_in_a_cache():
    preflight_ok = reply(
        204,
        ACAO,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
    )
    cached = reply(200, ("Age", "120"), ("X-Cache", "Hit from cloudfront"))
    found = [f for f in detect(preflighted(preflight_ok, cached), "fastapi") if f.code == "CD611"]
    assert found and "X-Cache: Hit from cloudfront" in found[0].message and "Vary: Origin" in found[0].fix
    assert "CD611" not in codes(preflighted(preflight_ok, reply(200)))  # no sign of a proxy: the app's own doing
