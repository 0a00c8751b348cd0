"""nginx: a `map` allow-list in the http block, and the headers in the location block.

The map turns the request's Origin into the value to send, or "" for every other origin (nginx
then omits the header): an allow-list, never `$http_origin` echoed unconditionally. Every
`add_header` ends in `always` so error replies carry the headers too.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, make_suggestion


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _map(variable: str, needs: CorsNeeds, value_of) -> list[str]:
    width = max(len(_quote(o)) for o in needs.allowed_origins)
    lines = [f"map $http_origin ${variable} {{", f'    {"default":<{width}} "";']
    lines += [f"    {_quote(o):<{width}} {_quote(value_of(o))};" for o in needs.allowed_origins]
    return [*lines, "}"]


def _cors_headers(needs: CorsNeeds, preflight: bool) -> list[tuple[str, str]]:
    headers = [("Access-Control-Allow-Origin", "$cors_allow_origin")]
    if needs.credentials:
        headers.append(("Access-Control-Allow-Credentials", "$cors_allow_credentials"))
    if preflight:
        headers.append(("Access-Control-Allow-Methods", _quote(", ".join(needs.methods))))
        if needs.headers:
            headers.append(("Access-Control-Allow-Headers", _quote(", ".join(needs.headers))))
        headers.append(("Access-Control-Max-Age", "600"))
    elif needs.expose:
        headers.append(("Access-Control-Expose-Headers", _quote(", ".join(needs.expose))))
    headers.append(("Vary", "Origin"))
    return headers


def _add_headers(headers: list[tuple[str, str]], indent: str) -> list[str]:
    width = max(len(name) for name, _ in headers)
    return [f"{indent}add_header {name:<{width}} {value} always;" for name, value in headers]


def render(needs: CorsNeeds) -> FixSuggestion:
    maps = _map("cors_allow_origin", needs, lambda origin: origin)
    if needs.credentials:
        maps += _map("cors_allow_credentials", needs, lambda origin: "true")
    location = [
        "# Preflight: answered here, before proxy_pass, auth_basic or auth_request.",
        "if ($request_method = OPTIONS) {",
    ]
    location += _add_headers(_cors_headers(needs, preflight=True), "    ")
    location += ["    return 204;", "}"]
    if needs.duplicate_allow_origin:
        location += [
            "# The upstream sends its own CORS headers too: drop them so only one copy reaches the browser.",
            "proxy_hide_header Access-Control-Allow-Origin;",
            "proxy_hide_header Access-Control-Allow-Credentials;",
        ]
    location += _add_headers(_cors_headers(needs, preflight=False), "")
    parts = [
        FixPart("http", "in the http {} block, outside any server (e.g. /etc/nginx/conf.d/cors.conf)", "\n".join(maps)),
        FixPart(
            "location",
            f"inside the location block that serves {needs.path}, replacing its CORS add_header lines",
            "\n".join(location),
        ),
    ]
    notes = [
        "An add_header inside a location (or an if) cancels every add_header inherited from the server block: "
        "repeat the other headers you need in this location.",
    ]
    if needs.errors_lack_cors:
        notes.append(
            "Without `always`, add_header only applies to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308: "
            "every error reply reached the browser without CORS headers."
        )
    if needs.preflight_routed:
        notes.append(
            "nginx answered OPTIONS itself (405 for static files) or passed it upstream; the if block answers "
            "preflights with 204."
        )
    if needs.auth_on_preflight:
        notes.append(
            "The if block returns before auth_basic/auth_request run, so preflights (which carry no "
            "credentials) are not refused with 401."
        )
    return make_suggestion("nginx", "nginx", parts, notes)
