"""FastAPI / Starlette: CORSMiddleware arguments for this request.

CORS is configured on the application, never on an APIRouter (routers have no middleware).
When error replies lack CORS headers the suggestion wraps the whole ASGI app, because
ServerErrorMiddleware sits outside every middleware added with add_middleware.
"""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixPart, FixSuggestion, literal_list, make_suggestion


def _arguments(needs: CorsNeeds) -> list[str]:
    origins_note = "exact origins: scheme://host[:port], no trailing slash"
    if len(needs.allowed_origins) > 1:
        origins_note += "; keep the ones you already allow"
    args = [f"allow_origins={literal_list(needs.allowed_origins)},  # {origins_note}"]
    if needs.credentials:
        args.append('allow_credentials=True,  # only with explicit origins, never with ["*"]')
    args.append(f"allow_methods={literal_list(needs.methods)},  # compared case-sensitively; the default is GET only")
    if needs.headers:
        args.append(f"allow_headers={literal_list(needs.headers)},")
    if needs.expose:
        args.append(f"expose_headers={literal_list(needs.expose)},")
    args.append("max_age=600,")
    return args


def render(needs: CorsNeeds) -> FixSuggestion:
    wrap = needs.errors_lack_cors or needs.auth_on_preflight
    lines = ["from fastapi.middleware.cors import CORSMiddleware", ""]
    if wrap:
        lines += [
            "# Wrap the whole app: replies made outside the middleware stack (unhandled exceptions,",
            "# early 401/403 from other middleware) then carry CORS headers too.",
            "app = CORSMiddleware(",
            "    app,",
        ]
        placement = (
            "at the very end of the module that creates app = FastAPI(), after every route and "
            "add_middleware call; remove any app.add_middleware(CORSMiddleware, ...)"
        )
    else:
        lines += ["app.add_middleware(", "    CORSMiddleware,"]
        placement = (
            "after app = FastAPI(), replacing any app.add_middleware(CORSMiddleware, ...); add it after "
            "your other middleware so that it is the outermost"
        )
    lines += [f"    {arg}" for arg in _arguments(needs)]
    lines.append(")")
    notes = []
    if needs.errors_lack_cors:
        notes.append(
            "The error reply is the real problem: an unhandled exception becomes a 500 in ServerErrorMiddleware, "
            "outside CORSMiddleware, so it has no CORS headers and the browser reports a CORS error instead of the "
            "500. Wrapping the app makes the browser show the 500; then fix the exception (see the server log)."
        )
        notes.append("Run the wrapped app as before (uvicorn main:app); it is a plain ASGI app now.")
    if needs.auth_on_preflight:
        notes.append(
            "A middleware answered the preflight with 401/403 before CORSMiddleware saw it. Preflights never carry "
            "credentials; with the app wrapped, CORSMiddleware answers them before any other middleware."
        )
    if needs.preflight_routed:
        notes.append(
            "OPTIONS reached the router, which has no OPTIONS route (405/404). CORSMiddleware answers every "
            "preflight itself, before routing: no @app.options handler is needed."
        )
    if needs.hard_coded_origin:
        notes.append(
            "Remove the hand-written @app.options handler and the lines that set Access-Control-Allow-* headers in "
            "your handlers: CORSMiddleware answers preflights before your routes and adds the headers to every reply."
        )
    if needs.preflight_redirected:
        notes.append(
            "Call the URL the redirect points to (FastAPI redirects /items to /items/ when only the slash route exists)."
        )
    if needs.duplicate_allow_origin:
        notes.append(
            "Two layers add Access-Control-Allow-Origin: keep CORSMiddleware or the proxy's headers, not both."
        )
    part = FixPart("module", placement, "\n".join(lines))
    return make_suggestion("fastapi", "python", [part], notes)
