"""Flask: flask-cors options for this request.

flask-cors reflects any origin by default (`origins="*"` without `send_wildcard`), so the
suggestion always passes an explicit list of origins.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion


def render(needs: CorsNeeds) -> FixSuggestion:
    lines = [
        "from flask_cors import CORS",
        "",
        "CORS(",
        "    app,",
        f"    origins={literal_list(needs.allowed_origins)},  # exact origins; the default reflects every origin",
        f"    methods={literal_list(needs.methods)},",
    ]
    if needs.headers:
        lines.append(f"    allow_headers={literal_list(needs.headers)},")
    if needs.credentials:
        lines.append("    supports_credentials=True,  # safe only with the explicit origins above")
    if needs.expose:
        lines.append(f"    expose_headers={literal_list(needs.expose)},")
    lines += ["    max_age=600,", ")"]
    notes = []
    if needs.preflight_routed:
        notes.append(
            "flask-cors answers OPTIONS for every route it covers (automatic_options), so no OPTIONS view is needed."
        )
    if needs.errors_lack_cors:
        notes.append(
            "flask-cors adds CORS headers to error replies too (intercept_exceptions); a 500 without them means the "
            "reply came from outside Flask (a proxy or the WSGI server) or the route is not covered by CORS(app)."
        )
    if needs.hard_coded_origin:
        notes.append(
            "Remove the hand-written Access-Control-Allow-* headers from your views: flask-cors leaves a "
            "response alone when the view already set Access-Control-Allow-Origin."
        )
    if needs.preflight_redirected:
        notes.append(
            "Werkzeug redirects /items to /items/ (strict_slashes): call the URL with the slash the route has."
        )
    if needs.duplicate_allow_origin:
        notes.append("A proxy in front also adds CORS headers: keep flask-cors or the proxy's headers, not both.")
    part = FixPart("module", "after app = Flask(__name__), replacing any CORS(app, ...) call", "\n".join(lines))
    return make_suggestion("flask", "python", [part], notes)
