"""Every framework's fix is tailored to the request and never insecure (checked as text).

FastAPI, Flask, Django, Express and nginx snippets are also applied to real servers in the other
test modules; here every framework, including Apache, Caddy, Spring, ASP.NET Core and rs/cors,
is checked for the exact origin, method, headers and credentials, and for what it must never say.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from cors_doctor.diagnosis import diagnose
from cors_doctor.fixes import FRAMEWORKS, resolve_framework, suggest

from .offline import API, JSON, PAGE, blocked_put, reply, verdict

# What each framework's snippet must contain for a credentialed PUT with Authorization + JSON.
REQUIRED = {
    "fastapi": [
        f'allow_origins=["{PAGE}"]',
        "allow_credentials=True",
        'allow_methods=["GET", "PUT"]',
        'allow_headers=["Content-Type", "Authorization"]',
        "app.add_middleware(",
    ],
    "flask": [
        "CORS(",
        f'origins=["{PAGE}"]',
        "supports_credentials=True",
        'methods=["GET", "PUT"]',
        'allow_headers=["Content-Type", "Authorization"]',
    ],
    "django": [
        f'CORS_ALLOWED_ORIGINS = ["{PAGE}"]',
        "CORS_ALLOW_CREDENTIALS = True",
        '"corsheaders.middleware.CorsMiddleware"',
        '"corsheaders"',
    ],
    "express": [
        f"origin: ['{PAGE}']",
        "credentials: true",
        "methods: ['GET', 'PUT']",
        "allowedHeaders: ['Content-Type', 'Authorization']",
        "app.use(cors({",
    ],
    "nginx": [
        f'"{PAGE}"',
        '"GET, PUT" always;',
        '"Content-Type, Authorization" always;',
        "$cors_allow_credentials always;",
        "return 204;",
    ],
    "apache": [
        r'SetEnvIf Origin "^https://app\.example\.com$" CORS_ALLOW_ORIGIN=$0',
        'Access-Control-Allow-Credentials "true" env=CORS_ALLOW_ORIGIN',
        '"GET, PUT"',
        '"Content-Type, Authorization"',
        "RewriteRule ^ - [R=204,L]",
    ],
    "caddy": [
        f"header Origin {PAGE}",
        f'"{PAGE}"',
        'Access-Control-Allow-Credentials "true"',
        '"GET, PUT"',
        '"Content-Type, Authorization"',
        'respond "" 204',
    ],
    "spring": [
        f'setAllowedOrigins(List.of("{PAGE}"))',
        "setAllowCredentials(true)",
        'setAllowedMethods(List.of("GET", "PUT"))',
        'setAllowedHeaders(List.of("Content-Type", "Authorization"))',
    ],
    "aspnet": [
        f'.WithOrigins("{PAGE}")',
        ".AllowCredentials()",
        '.WithMethods("GET", "PUT")',
        '.WithHeaders("Content-Type", "Authorization")',
        'app.UseCors("Frontend")',
    ],
    "go": [
        f'AllowedOrigins:   []string{{"{PAGE}"}}',
        "AllowCredentials: true",
        '[]string{"GET", "PUT"}',
        '[]string{"Content-Type", "Authorization"}',
        "c.Handler(",
    ],
}

# What no snippet may ever contain: wildcard origins, reflection, catch-all patterns.
FORBIDDEN = {
    "fastapi": [r'allow_origins=\["\*"\]', r"allow_origin_regex"],
    "flask": [r'origins="\*"', r"origins=\[\"\*\"\]", r"send_wildcard"],
    "django": [r"CORS_ALLOW_ALL_ORIGINS = True", r"CORS_ORIGIN_ALLOW_ALL", r"CORS_ALLOWED_ORIGIN_REGEXES = \[.+\]"],
    "express": [r"origin: true", r"origin: '\*'", r"origin: \(", r"callback\(null, true\)"],
    "nginx": [r"Allow-Origin\s+\$http_origin", r'Allow-Origin\s+"\*"', r"Allow-Origin\s+\*"],
    "apache": [r"HTTP_ORIGIN", r"req:Origin", r'Allow-Origin "\*"', r'SetEnvIf Origin "[^^]'],
    "caddy": [r'Allow-Origin\s+"\*"'],
    "spring": [r"setAllowedOriginPatterns", r'"\*"', r"applyPermitDefaultValues"],
    "aspnet": [r"AllowAnyOrigin", r"SetIsOriginAllowed"],
    "go": [r"AllowOriginFunc", r"AllowAll\(", r'"\*"', r"cors\.Default\("],
}
_COMMENT = {
    "fastapi": "#",
    "flask": "#",
    "django": "#",
    "nginx": "#",
    "apache": "#",
    "caddy": "#",
    "express": "//",
    "spring": "//",
    "aspnet": "//",
    "go": "//",
}


def code_of(framework: str, snippet: str) -> str:
    """The snippet without comments (comments may name what not to do)."""
    mark = _COMMENT[framework]
    return "\n".join(line.split(f" {mark} ")[0] for line in snippet.splitlines() if not line.lstrip().startswith(mark))


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_fix_is_tailored_to_the_request(framework):
    fix = suggest(blocked_put(), framework)
    assert fix is not None and fix.framework == framework
    for needle in REQUIRED[framework]:
        assert needle in fix.snippet, f"{framework}: {needle!r} missing from\n{fix.snippet}"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_fix_is_never_insecure(framework):
    for case in (blocked_put(credentials=True), wildcard_with_credentials(), reflected()):
        fix = suggest(case, framework)
        code = code_of(framework, fix.snippet)
        for pattern in FORBIDDEN[framework]:
            assert not re.search(pattern, code), f"{framework}: {pattern!r} in\n{fix.snippet}"
        listed = PAGE.replace(".", "\\.") if framework == "apache" else PAGE  # Apache lists a regex
        assert listed in code, f"{framework}: the origin is not listed explicitly"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_credentials_asked_no_credentials_granted(framework):
    fix = suggest(verdict(reply(200), headers=()), framework)
    code = code_of(framework, fix.snippet).lower()
    assert "credentials" not in code.replace("allow_credentials=false", ""), fix.snippet


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_parts_say_where_each_piece_goes(framework):
    fix = suggest(blocked_put(), framework)
    expected = {"nginx": ["http", "location"], "aspnet": ["services", "pipeline"]}
    assert [p.where for p in fix.parts] == expected.get(framework, [fix.parts[0].where])
    assert all(p.placement and p.text for p in fix.parts)
    if len(fix.parts) == 1:
        assert fix.snippet == fix.parts[0].text
    else:
        assert all(p.text in fix.snippet and p.placement in fix.snippet for p in fix.parts)


def wildcard_with_credentials():
    return diagnose(
        verdict(
            reply(200, ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")),
            credentials=True,
        )
    ).verdict


def reflected():
    """Allowed for the page, and for an origin nobody allows: the canary check found reflection."""
    from cors_doctor.diagnosis.pitfalls import CANARY_ORIGIN

    def echo(origin):
        return reply(
            200,
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin"),
        )

    page = verdict(echo(PAGE), credentials=True)
    canary = verdict(echo(CANARY_ORIGIN), credentials=True, origin=CANARY_ORIGIN)
    return diagnose(page, None, canary).verdict


def test_reflection_gets_a_fix_and_a_warning_even_though_allowed():
    case = reflected()
    assert case.allowed and "CD607" in {f.code for f in case.findings}
    fix = suggest(case, "fastapi")
    assert fix is not None and any("echoes any Origin" in note for note in fix.notes)


def test_fastapi_never_suggests_per_router_middleware():
    for case in (blocked_put(), wildcard_with_credentials(), reflected()):
        fix = suggest(case, "fastapi")
        assert "router" not in code_of("fastapi", fix.snippet).lower()


def test_fastapi_wraps_the_app_when_errors_lack_cors():
    crash = verdict(reply(500, ("Content-Type", "text/plain; charset=utf-8"), body="Internal Server Error"))
    fix = diagnose(crash, "fastapi").fix
    assert "app = CORSMiddleware(\n    app," in fix.snippet and "add_middleware" not in fix.snippet
    compile(fix.snippet, "main.py", "exec")


@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_python_snippets_are_valid_python(framework):
    for case in (blocked_put(), reflected()):
        compile(suggest(case, framework).snippet, "snippet.py", "exec")


def test_express_snippet_is_valid_javascript(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed"
    script = tmp_path / "snippet.js"
    script.write_text("const app = { use() {} };\n" + suggest(blocked_put(), "express").snippet)
    subprocess.run([node, "--check", str(script)], check=True, timeout=30, capture_output=True)


def test_apache_pattern_is_anchored_and_escaped():
    fix = suggest(blocked_put(), "apache")
    pattern = re.search(r'SetEnvIf Origin "([^"]+)"', fix.snippet).group(1)
    assert re.fullmatch(pattern, PAGE)
    for impostor in (PAGE + ".evil.net", "https://appXexample.com", "https://evil.net/" + PAGE):
        assert not re.search(pattern, impostor), impostor


def test_caddy_reflects_only_behind_the_origin_matcher():
    known = verdict(reply(200, ("Access-Control-Allow-Origin", "https://admin.example.com")))
    fix = suggest(known, "caddy")
    assert "header Origin https://admin.example.com" in fix.snippet and f"header Origin {PAGE}" in fix.snippet
    blocks = re.findall(r"^(\S.*)\{\n((?:    .*\n)+?)\}", fix.snippet + "\n", re.M)
    assert sum("{header.Origin}" in body for _, body in blocks) == 2
    for opener, body in blocks:
        if "{header.Origin}" in body:
            assert opener.startswith(("handle @cors_preflight", "header @cors_allowed")), opener


def test_origins_the_server_already_allows_are_kept():
    hard_coded = verdict(reply(200, ("Access-Control-Allow-Origin", "http://localhost:3000")))
    for framework in FRAMEWORKS:
        assert "http://localhost:3000" in suggest(hard_coded, framework).snippet, framework


def test_an_allowed_request_needs_no_fix():
    ok = verdict(reply(200, ("Access-Control-Allow-Origin", PAGE), ("Vary", "Origin")))
    assert ok.allowed and suggest(ok, "fastapi") is None


def test_same_origin_or_null_origin_get_no_fix():
    same = verdict(reply(200), origin="https://api.example.com", url=API)
    assert suggest(same, "nginx") is None
    null = verdict(reply(200), origin="null")
    assert suggest(null, "nginx") is None


def test_framework_names_and_aliases():
    assert resolve_framework("Starlette") == "fastapi"
    assert resolve_framework("rs/cors") == "go"
    assert resolve_framework("ASP.NET") == "aspnet"
    assert resolve_framework("httpd") == "apache"
    assert resolve_framework("rails") is None
    with pytest.raises(ValueError):
        suggest(blocked_put(), "rails")


def test_exposed_headers_are_suggested_with_the_other_changes():
    # Allowed, but without Vary: Origin (CD502), and X-Request-Id is not readable by script (CD501).
    case = verdict(reply(200, ("Access-Control-Allow-Origin", PAGE), ("X-Request-Id", "1")))
    assert case.allowed and {"CD501", "CD502"} <= {f.code for f in case.findings}
    assert 'expose_headers=["X-Request-Id"]' in suggest(case, "fastapi").snippet
    assert '"X-Request-Id" always;' in suggest(case, "nginx").snippet


def test_json_request_body_header_is_listed():
    fix = suggest(verdict(reply(404), method="POST", headers=(JSON,)), "express")
    assert "allowedHeaders: ['Content-Type']" in fix.snippet and "methods: ['GET', 'POST']" in fix.snippet
