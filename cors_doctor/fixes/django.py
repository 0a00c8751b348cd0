"""Django: django-cors-headers settings for this request, appended to settings.py.

The snippet is written so that it can go at the end of settings.py whatever is above it: it adds
the app and the middleware only when missing, and overrides the CORS settings it needs.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion

# django-cors-headers' defaults (corsheaders/defaults.py)
DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")
DEFAULT_HEADERS = ("accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with")
_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


def render(needs: CorsNeeds) -> FixSuggestion:
    extra_methods = tuple(m for m in needs.methods if m not in DEFAULT_METHODS)
    extra_headers = tuple(h.lower() for h in needs.headers if h.lower() not in DEFAULT_HEADERS)
    imports = [
        name for name, extra in (("default_headers", extra_headers), ("default_methods", extra_methods)) if extra
    ]
    lines = ["# django-cors-headers (pip install django-cors-headers)"]
    if imports:
        lines.append(f"from corsheaders.defaults import {', '.join(imports)}")
    lines += [
        "",
        'if "corsheaders" not in INSTALLED_APPS:',
        '    INSTALLED_APPS = [*INSTALLED_APPS, "corsheaders"]',
        "# First in MIDDLEWARE, above CommonMiddleware: its redirects and error replies then carry CORS headers.",
        f'MIDDLEWARE = ["{_MIDDLEWARE}", *[m for m in MIDDLEWARE if m != "{_MIDDLEWARE}"]]',
        f"CORS_ALLOWED_ORIGINS = {literal_list(needs.allowed_origins)}  # scheme://host[:port], no trailing slash",
    ]
    if needs.reflects_origins or needs.wildcard_with_credentials:
        lines += [
            "CORS_ALLOW_ALL_ORIGINS = False  # with credentials it echoes every origin",
            "CORS_ALLOWED_ORIGIN_REGEXES = []  # re.match is not anchored at the end: avoid catch-all patterns",
        ]
    if needs.credentials:
        lines.append("CORS_ALLOW_CREDENTIALS = True")
    if extra_methods:
        lines.append("CORS_ALLOW_METHODS = " + literal_list(extra_methods, "[*default_methods, "))
    else:
        lines.append(f"# CORS_ALLOW_METHODS: the default list already allows {', '.join(needs.methods)}")
    if extra_headers:
        lines.append("CORS_ALLOW_HEADERS = " + literal_list(extra_headers, "[*default_headers, "))
    elif needs.headers:
        lines.append(
            f"# CORS_ALLOW_HEADERS: the default list already allows {', '.join(h.lower() for h in needs.headers)}"
        )
    if needs.expose:
        lines.append(f"CORS_EXPOSE_HEADERS = {literal_list(needs.expose)}")
    notes = []
    if needs.credentials and any(m not in ("GET", "HEAD", "OPTIONS") for m in needs.methods):
        notes.append(
            f"Cookie-authenticated {'/'.join(m for m in needs.methods if m != 'GET')} requests also pass Django's CSRF "
            f"check: add {needs.origin} to CSRF_TRUSTED_ORIGINS and send the X-CSRFToken header (a 403 from CSRF is not CORS)."
        )
    if needs.errors_lack_cors:
        notes.append(
            "Replies from handler500 (unhandled exceptions) get no CORS headers from any middleware: the browser shows "
            "a CORS error for every crash. Fix the exception (see the server log)."
        )
    if needs.preflight_routed or needs.auth_on_preflight:
        notes.append(
            "CorsMiddleware answers preflights itself (200, empty body) when it is first in MIDDLEWARE, before "
            "routing and authentication."
        )
    if needs.preflight_redirected:
        notes.append("APPEND_SLASH redirects /items to /items/: call the URL with the trailing slash.")
    if needs.hard_coded_origin:
        notes.append("Remove the Access-Control-Allow-* headers your views set by hand: the middleware adds them.")
    part = FixPart("settings", "at the end of settings.py", "\n".join(lines))
    return make_suggestion("django", "python", [part], notes)
