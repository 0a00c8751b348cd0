"""Caddy v2: named matchers for the allowed origins, `header` and `respond` (no cors directive).

`{header.Origin}` is only ever used behind a matcher that lists the allowed origins, so the
value sent is always one of them: an allow-list, not reflection.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, make_suggestion


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _origin_lines(needs: CorsNeeds, indent: str) -> list[str]:
    return [f"{indent}header Origin {o}" for o in needs.allowed_origins]


def _value(needs: CorsNeeds) -> str:
    # One origin: write it out. Several: the matched request Origin, which the matcher restricts to the list.
    return _quote(needs.origin) if len(needs.allowed_origins) == 1 else '"{header.Origin}"'


def _block(pairs: list[tuple[str, str]], indent: str) -> list[str]:
    width = max(len(name) for name, _ in pairs)
    return [f"{indent}{name:<{width}} {value}" for name, value in pairs]


def render(needs: CorsNeeds) -> FixSuggestion:
    lines = [
        "@cors_allowed {",
        *_origin_lines(needs, "    "),
        "}",
        "@cors_preflight {",
        "    method OPTIONS",
        *_origin_lines(needs, "    "),
        "    header Access-Control-Request-Method *",
        "}",
        "handle @cors_preflight {",
        "    header {",
    ]
    preflight = [("Access-Control-Allow-Origin", _value(needs))]
    if needs.credentials:
        preflight.append(("Access-Control-Allow-Credentials", '"true"'))
    preflight.append(("Access-Control-Allow-Methods", _quote(", ".join(needs.methods))))
    if needs.headers:
        preflight.append(("Access-Control-Allow-Headers", _quote(", ".join(needs.headers))))
    preflight.append(("Access-Control-Max-Age", '"600"'))
    lines += _block(preflight, "        ")
    lines += ["    }", '    respond "" 204', "}"]
    actual = [("Access-Control-Allow-Origin", _value(needs))]
    if needs.credentials:
        actual.append(("Access-Control-Allow-Credentials", '"true"'))
    if needs.expose:
        actual.append(("Access-Control-Expose-Headers", _quote(", ".join(needs.expose))))
    lines += [
        "header @cors_allowed {",
        *_block(actual, "    "),
        "    defer  # applied after reverse_proxy, replacing any copy from the upstream",
        "}",
        "header +Vary Origin",
    ]
    if needs.errors_lack_cors:
        # Error replies (file_server 404, upstream failures) skip the handlers above: add the headers there too.
        lines += [
            "handle_errors {",
            "    header @cors_allowed {",
            *_block(actual, "        "),
            "    }",
            '    respond "{err.status_code} {err.status_text}"',
            "}",
        ]
    notes = [
        'Caddy v2 has no cors directive; never use Access-Control-Allow-Origin "{header.Origin}" without a matcher '
        "that lists the origins (that reflects every site).",
    ]
    if needs.errors_lack_cors:
        notes.append(
            "Error replies do not pass through the site's header directives, so handle_errors repeats them; "
            "if the site already has a handle_errors block, put the header lines in it instead."
        )
    else:
        notes.append(
            "Error replies (handle_errors) do not get these headers: repeat the header @cors_allowed block "
            "in handle_errors if the front end must read error statuses."
        )
    if needs.preflight_routed:
        notes.append(
            "The upstream or file_server does not answer OPTIONS; the handle block answers preflights with 204."
        )
    placement = "inside the site block that serves this URL, before reverse_proxy / file_server"
    return make_suggestion("caddy", "caddyfile", [FixPart("site", placement, "\n".join(lines))], notes)
