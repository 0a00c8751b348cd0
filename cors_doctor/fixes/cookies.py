"""The cookie half of the fix: the attributes a session cookie needs to cross sites, per framework.

Written from the cookie report (cors_doctor/cookies): which cookies the browser refused and why.
When the browser blocks third-party cookies whatever the server sends, no attribute helps, and
the suggestion says so: serve the API from the page's site, or use a token header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from cors_doctor.cookies import CookieJudgement, CookieReport
from cors_doctor.cookies.site import is_ip, registrable_domain
from cors_doctor.fixes import FixSuggestion, resolve_framework
from cors_doctor.origin import is_loopback_host

# Problems the server fixes by changing the cookie's attributes.
ATTRIBUTE_KINDS = frozenset(
    {
        "none-without-secure",
        "samesite-cross-site",
        "lax-by-default",
        "partitioned-without-secure",
        "prefix",
        "domain",
        "path",
        "lax-by-default-elsewhere",
    }
)
BLOCKED_KINDS = frozenset({"third-party-blocked", "third-party-setting"})
CROSS_SITE_KINDS = BLOCKED_KINDS | {"samesite-cross-site", "lax-by-default", "lax-by-default-elsewhere"}
# Session cookies whose attributes live in the framework's settings, not in a set_cookie call.
_SESSION_COOKIES = {
    "fastapi": ("session",),
    "flask": ("session",),
    "django": ("sessionid", "csrftoken"),
    "express": ("connect.sid",),
    "spring": ("JSESSIONID", "SESSION"),
    "aspnet": (".AspNetCore.Session",),
}
_NAMES = {
    "fastapi": "FastAPI / Starlette",
    "flask": "Flask",
    "django": "Django",
    "express": "Express",
    "nginx": "nginx",
    "apache": "Apache httpd",
    "caddy": "Caddy",
    "spring": "Spring Boot",
    "aspnet": "ASP.NET Core",
    "go": "Go (net/http)",
}
_LANGUAGE = {
    "fastapi": "python",
    "flask": "python",
    "django": "python",
    "express": "javascript",
    "nginx": "nginx",
    "apache": "apache",
    "caddy": "caddyfile",
    "spring": "properties",
    "aspnet": "csharp",
    "go": "go",
}


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _python(framework: str, name: str, partitioned: bool) -> list[str]:
    part = ", partitioned=True" if partitioned else ""
    if framework == "fastapi" and name == "session":
        return [
            "from starlette.middleware.sessions import SessionMiddleware",
            'app.add_middleware(SessionMiddleware, secret_key=SECRET_KEY, same_site="none", https_only=True)',
        ]
    if framework == "flask" and name == "session":
        return [
            'app.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True'
            + (", SESSION_COOKIE_PARTITIONED=True" if partitioned else "")
            + ")"
        ]
    if framework == "django" and name == "sessionid":
        return ["# settings.py", 'SESSION_COOKIE_SAMESITE = "None"', "SESSION_COOKIE_SECURE = True"]
    if framework == "django" and name == "csrftoken":
        return ["# settings.py", 'CSRF_COOKIE_SAMESITE = "None"', "CSRF_COOKIE_SECURE = True"]
    samesite = '"none"' if framework == "fastapi" else '"None"'
    return [
        f'response.set_cookie({_literal(name)}, value, samesite={samesite}, secure=True, httponly=True, path="/"{part})'
    ]


def _snippet(framework: str, name: str, partitioned: bool) -> list[str]:
    if framework in ("fastapi", "flask", "django"):
        return _python(framework, name, partitioned)
    part = "; Partitioned" if partitioned else ""
    if framework == "express":
        if name == "connect.sid":
            return [
                "app.set('trust proxy', 1)  // behind a TLS-terminating proxy, so secure cookies are sent",
                "app.use(session({ secret, proxy: true, cookie: { sameSite: 'none', secure: true"
                + (", partitioned: true" if partitioned else "")
                + " } }))",
            ]
        return [
            f"res.cookie({_literal(name)}, value, {{ sameSite: 'none', secure: true, httpOnly: true, path: '/'"
            + (", partitioned: true" if partitioned else "")
            + " })"
        ]
    if framework == "nginx":
        return [
            "# in the location that proxies the API (nginx 1.19.3+)",
            f"proxy_cookie_flags {name or '~'} secure samesite=none;",
            "proxy_cookie_domain off;",
        ]
    if framework == "apache":
        return [f'Header always edit Set-Cookie "^({name}=.*)$" "$1; Secure; SameSite=None{part}"']
    if framework == "spring":
        return [
            "# application.properties (session cookie)",
            "server.servlet.session.cookie.same-site=none",
            "server.servlet.session.cookie.secure=true",
        ]
    if framework == "aspnet":
        return [
            "options.Cookie.SameSite = SameSiteMode.None;",
            "options.Cookie.SecurePolicy = CookieSecurePolicy.Always;",
        ]
    if framework == "go":
        return [
            f'http.SetCookie(w, &http.Cookie{{Name: {_literal(name)}, Value: value, Path: "/", '
            "Secure: true, HttpOnly: true, SameSite: http.SameSiteNoneMode"
            + (", Partitioned: true" if partitioned else "")
            + "})"
        ]
    return [f"Set-Cookie: {name}=...; Path=/; Secure; HttpOnly; SameSite=None{part}"]


def _needing_attributes(report: CookieReport) -> list[CookieJudgement]:
    return [j for j in report.set_cookies if any(p.kind in ATTRIBUTE_KINDS for p in j.problems)]


def _same_site_alternative(page: str, url: str) -> str:
    page_host = urlsplit(page).hostname or ""
    api = urlsplit(url)
    api_host = api.hostname or ""
    if is_loopback_host(page_host) and is_loopback_host(api_host) and page_host != api_host:
        port = f":{api.port}" if api.port else ""
        return (
            f"In development, call {api.scheme}://{page_host}{port} instead of {api.scheme}://{api_host}{port}: "
            f"{page_host} on any port is the same site as the page, so the cookie is first-party."
        )
    site = registrable_domain(page_host)
    subdomain = f"a subdomain such as https://api.{site}, or " if "." in site and not is_ip(site) else ""
    return (
        f"No cookie attribute makes a third-party cookie work where third-party cookies are blocked (Safari "
        f"always, Chrome in Incognito or by setting): serve the API from the page's site instead ({subdomain}a "
        f"path on {page} that a reverse proxy forwards to {api_host}), or authenticate with a token in the "
        "Authorization header."
    )


def cookie_fix(report: CookieReport, page: str, framework: str) -> FixSuggestion | None:
    """What to change so the session cookie is stored and sent back, or None when nothing needs changing."""
    name = resolve_framework(framework) or "fastapi"
    wrong = _needing_attributes(report)
    blocked = [j for j in report.set_cookies if any(p.kind in BLOCKED_KINDS for p in j.problems)]
    if not wrong and not blocked:
        return None
    lines: list[str] = []
    for j in wrong or blocked:
        lines += _snippet(name, j.name, partitioned=False)
    notes = []
    insecure = [
        j
        for j in report.set_cookies
        if j.url.startswith("http://")
        and any(p.kind in ("secure-over-http", "none-without-secure") for p in j.problems)
    ]
    if insecure:
        notes.append(
            "Secure cookies need the API on https (http://localhost and http://127.0.0.1 are exempt in "
            "Chrome and Firefox, not in WebKit)."
        )
    if any(p.kind == "domain" for j in wrong for p in j.problems):
        notes.append("Remove the Domain attribute, or set it to a parent domain of the API's host.")
    cross_site = [j for j in report.set_cookies if any(p.kind in CROSS_SITE_KINDS for p in j.problems)]
    if cross_site:
        url = cross_site[0].url
        notes.append(_same_site_alternative(page, url))
    if blocked:
        notes.append(
            "Partitioned (SameSite=None; Secure; Partitioned) keeps the cookie working in Chrome and "
            "Firefox even when third-party cookies are blocked, for this page's site only; Safari "
            "ignores it."
        )
    title = f"{_NAMES[name]}: the cookie's attributes"
    return FixSuggestion(name, title, _LANGUAGE[name], "\n".join(dict.fromkeys(lines)), tuple(notes))
