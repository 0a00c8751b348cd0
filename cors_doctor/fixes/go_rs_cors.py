"""Go: github.com/rs/cors options, wrapping the outermost handler.

AllowedOrigins is always explicit (its empty default means every origin), and methods are
listed because rs/cors also strips CORS headers from actual replies of unlisted methods.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion


def _slice(items: tuple[str, ...]) -> str:
    return literal_list(items, "[]string{", "}")


def render(needs: CorsNeeds) -> FixSuggestion:
    fields = [
        ("AllowedOrigins:", f"{_slice(needs.allowed_origins)},  // exact origins; empty means every origin"),
        ("AllowedMethods:", f"{_slice(needs.methods)},  // the default is GET, POST, HEAD"),
    ]
    if needs.headers:
        fields.append(("AllowedHeaders:", f"{_slice(needs.headers)},"))
    if needs.credentials:
        fields.append(("AllowCredentials:", "true,"))
    if needs.expose:
        fields.append(("ExposedHeaders:", f"{_slice(needs.expose)},"))
    fields.append(("MaxAge:", "600,"))
    width = max(len(name) for name, _ in fields)
    lines = ['import "github.com/rs/cors"', "", "c := cors.New(cors.Options{"]
    lines += [f"\t{name:<{width}} {value}" for name, value in fields]
    lines += ["})", "handler = c.Handler(handler) // wrap the outermost handler: auth and logging go inside"]
    notes = [
        "A refused preflight is still a 204, only without CORS headers; set Debug: true in cors.Options while "
        "testing to log why rs/cors refused it.",
    ]
    if needs.auth_on_preflight:
        notes.append(
            "The preflight got 401/403: the auth middleware wraps the CORS handler. Wrap it with cors instead."
        )
    if needs.errors_lack_cors:
        notes.append(
            "Replies written before the cors handler runs (a recovering middleware outside it) have no CORS "
            "headers: c.Handler must be the outermost wrapper."
        )
    placement = "where the server's handler is built, before http.ListenAndServe(addr, handler)"
    return make_suggestion("go", "go", [FixPart("main", placement, "\n".join(lines))], notes)
