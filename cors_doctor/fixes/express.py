"""Express: options for the `cors` package, mounted once before the routes.

`origin` is always an array of exact origins: `true`, `'*'` or a callback that accepts
everything would reflect or allow any site.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, make_suggestion


def _js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_js(i) for i in items) + "]"


def render(needs: CorsNeeds) -> FixSuggestion:
    lines = [
        "const cors = require('cors');",
        "",
        "app.use(cors({",
        f"  origin: {_list(needs.allowed_origins)},  // exact origins; never true or '*' with credentials",
        f"  methods: {_list(needs.methods)},",
    ]
    if needs.headers:
        lines.append(f"  allowedHeaders: {_list(needs.headers)},")
    if needs.credentials:
        lines.append("  credentials: true,")
    if needs.expose:
        lines.append(f"  exposedHeaders: {_list(needs.expose)},")
    lines += ["  maxAge: 600,", "}));"]
    notes = []
    if needs.preflight_routed:
        notes.append(
            'Express answered the preflight itself ("Cannot OPTIONS" 404, or its automatic OPTIONS reply): cors() '
            "was not mounted for this path. app.use(cors(...)) before the routes answers every preflight; with "
            "per-route cors() you also need app.options(path, cors(...))."
        )
    if needs.errors_lack_cors:
        notes.append(
            "Mount cors() before every router and error handler so that 404s and errors get the headers too; an origin "
            "callback that calls cb(new Error(...)) turns a refused origin into a 500 without CORS headers."
        )
    if needs.auth_on_preflight:
        notes.append(
            "An auth middleware runs before cors(): mount cors() first, since preflights carry no credentials."
        )
    if needs.hard_coded_origin:
        notes.append("Remove the res.set('Access-Control-Allow-*', ...) lines and any hand-written OPTIONS route.")
    if needs.duplicate_allow_origin:
        notes.append("A proxy in front also adds CORS headers: keep cors() or the proxy's headers, not both.")
    placement = "after const app = express(), before the routes, replacing any app.use(cors(...))"
    return make_suggestion("express", "javascript", [FixPart("app", placement, "\n".join(lines))], notes)
