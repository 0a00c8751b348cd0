"""FastAPI / Starlette: CORSMiddleware arguments for this request."""

from __future__ import annotations

from cors_doctor.fixes import CorsNeeds, FixSuggestion


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def render(needs: CorsNeeds) -> FixSuggestion:
    lines = [
        "from fastapi.middleware.cors import CORSMiddleware",
        "",
        "app.add_middleware(",
        "    CORSMiddleware,",
        f'    allow_origins=["{needs.origin}"],  # exact origin: scheme://host[:port], no trailing slash',
    ]
    if needs.credentials:
        lines.append("    allow_credentials=True,  # never together with allow_origins=[\"*\"]")
    lines.append(f"    allow_methods={_list(needs.methods)},  # compared case-sensitively; the default is GET only")
    if needs.headers:
        lines.append(f"    allow_headers={_list(needs.headers)},")
    if needs.expose:
        lines.append(f"    expose_headers={_list(tuple(h.title() if h.islower() else h for h in needs.expose))},")
    lines += ["    max_age=600,", ")"]
    notes = []
    if needs.errors_lack_cors:
        notes.append(
            "Unhandled exceptions become a 500 in ServerErrorMiddleware, outside CORSMiddleware, so they carry no "
            "CORS headers. Wrap the whole app instead: app = CORSMiddleware(app, ...same arguments...)."
        )
    if needs.preflight_not_ok:
        notes.append(
            "CORSMiddleware answers a valid preflight itself with 200; a 400 'Disallowed CORS ...' names the list to fix. "
            "A 401/403 means an auth middleware added after CORSMiddleware runs first: add CORSMiddleware last."
        )
    if needs.preflight_redirected:
        notes.append("Call the URL the redirect points to (FastAPI redirects /items to /items/ when only the slash route exists).")
    if needs.duplicate_allow_origin:
        notes.append("Two layers add Access-Control-Allow-Origin: keep CORSMiddleware or the proxy's headers, not both.")
    return FixSuggestion("fastapi", "FastAPI / Starlette (CORSMiddleware)", "python", "\n".join(lines), tuple(notes))
