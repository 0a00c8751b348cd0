"""Apache httpd: mod_headers + mod_setenvif allow-list, preflight answered by mod_rewrite.

`SetEnvIf` matches the Origin against anchored, escaped patterns, and every `Header` directive
uses the `always` table so error replies carry the headers too.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, make_suggestion

_META = frozenset(".^$*+?()[]{}|\\")


def _escape(origin: str) -> str:
    return "".join("\\" + ch if ch in _META else ch for ch in origin)


def _pattern(origins: tuple[str, ...]) -> str:
    escaped = [_escape(o) for o in origins]
    body = escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
    return f"^{body}$"


def render(needs: CorsNeeds) -> FixSuggestion:
    when_allowed = "env=CORS_ALLOW_ORIGIN"
    on_preflight = "\"expr=%{REQUEST_METHOD} == 'OPTIONS'\""
    lines = [
        "# Needs mod_headers, mod_setenvif and mod_rewrite (a2enmod headers setenvif rewrite).",
        f'SetEnvIf Origin "{_pattern(needs.allowed_origins)}" CORS_ALLOW_ORIGIN=$0',
    ]
    if needs.duplicate_allow_origin:
        lines += [
            "# The backend sends its own CORS headers too: drop its copy (the onsuccess table holds it).",
            "Header onsuccess unset Access-Control-Allow-Origin",
            "Header onsuccess unset Access-Control-Allow-Credentials",
        ]
    lines.append(f'Header always set Access-Control-Allow-Origin "%{{CORS_ALLOW_ORIGIN}}e" {when_allowed}')
    if needs.credentials:
        lines.append(f'Header always set Access-Control-Allow-Credentials "true" {when_allowed}')
    if needs.expose:
        lines.append(f'Header always set Access-Control-Expose-Headers "{", ".join(needs.expose)}" {when_allowed}')
    lines += [
        'Header always merge Vary "Origin"',
        "",
        "# Preflight: answered with 204 before the backend or any authentication.",
        "RewriteEngine On",
        "RewriteCond %{REQUEST_METHOD} OPTIONS",
        "RewriteCond %{HTTP:Access-Control-Request-Method} !^$",
        "RewriteRule ^ - [R=204,L]",
        f'Header always set Access-Control-Allow-Methods "{", ".join(needs.methods)}" {on_preflight}',
    ]
    if needs.headers:
        lines.append(f'Header always set Access-Control-Allow-Headers "{", ".join(needs.headers)}" {on_preflight}')
    lines.append(f'Header always set Access-Control-Max-Age "600" {on_preflight}')
    notes = []
    if needs.errors_lack_cors:
        notes.append(
            "Plain `Header set` uses the onsuccess table, which is not applied to error replies: use `Header always`."
        )
    if needs.auth_on_preflight:
        notes.append(
            "Exempt OPTIONS from authentication (<LimitExcept OPTIONS> Require valid-user </LimitExcept>): "
            "preflights carry no credentials."
        )
    notes.append(
        "In .htaccess these directives need AllowOverride FileInfo; in a <Location> or <Directory> block they apply directly."
    )
    placement = f'in the <VirtualHost>, <Location "{needs.path}"> or .htaccess that serves {needs.path}'
    return make_suggestion("apache", "apache", [FixPart("vhost", placement, "\n".join(lines))], notes)
