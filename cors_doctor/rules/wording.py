"""What cors-doctor says about a failed check: the finding's message and its one-line fix.

Pure text, kept apart from the state machine in evaluate.py so the rules that decide and the
sentences that explain can change independently.
"""

from __future__ import annotations

from cors_doctor.model import Headers, Response, header_get
from cors_doctor.rules.cors_check import AccessFailure, describe_mismatch
from cors_doctor.rules.preflight import PreflightFailure


def shown(value: str) -> str:
    return repr(value) if value else "absent"


def status_hint(response: Response) -> str:
    """The first line of the reply body, which often names the real problem (a 400 reason)."""
    body = response.body_excerpt.strip().splitlines()[0][:120] if response.body_excerpt.strip() else ""
    return f" ({body!r})" if body else ""


def access_failure(access: AccessFailure, origin: str, response: Response, where: str) -> tuple[str, str]:
    """(message, fix) for a failed CORS check on the preflight or the actual reply."""
    label = "the preflight reply" if where == "preflight" else "the reply"
    if access.kind == "missing":
        return (
            f"{label} ({response.status}) has no Access-Control-Allow-Origin header",
            f"send Access-Control-Allow-Origin: {origin} on {label}",
        )
    if access.kind == "multiple":
        return (
            f"Access-Control-Allow-Origin has {access.lines} line(s) giving {access.hint!r}; only one origin is allowed",
            "send exactly one Access-Control-Allow-Origin line; make sure only one layer (app or proxy) adds it",
        )
    if access.kind == "invalid":
        return (
            f"Access-Control-Allow-Origin is {access.hint!r}, which is not an origin",
            f"send Access-Control-Allow-Origin: {origin}",
        )
    if access.kind == "mismatch":
        return (
            f"Access-Control-Allow-Origin is {access.hint!r} but the request's origin is {origin!r}: "
            f"{describe_mismatch(access.hint, origin)}",
            f"send Access-Control-Allow-Origin: {origin} exactly",
        )
    if access.kind == "wildcard":
        return (
            "Access-Control-Allow-Origin is '*' but the request includes credentials",
            f"echo the origin ({origin}) instead of '*', with Access-Control-Allow-Credentials: true and Vary: Origin",
        )
    return (
        f"Access-Control-Allow-Credentials is {access.hint!r}; a credentialed request needs exactly 'true'",
        f"send Access-Control-Allow-Credentials: true on {label}",
    )


def preflight_status(response: Response) -> tuple[str, str]:
    """(message, fix) for a preflight that passed the origin check but is not 2xx."""
    status = response.status
    message = f"the preflight was answered {status}{status_hint(response)}; a preflight needs a 2xx status"
    if status in (401, 403, 407):
        fix = "exempt OPTIONS from authentication: preflights never carry cookies or Authorization"
    elif status in (404, 405, 501):
        fix = "let the CORS layer answer OPTIONS (with 204) before the router, which has no OPTIONS route here"
    elif status in (400, 422) and response.body_excerpt.strip():
        fix = "the server refused the preflight on purpose: allow this origin, method and headers in its CORS settings"
    elif status >= 500:
        fix = "the OPTIONS handler crashed: look at the server's log for this request"
    else:
        fix = "answer OPTIONS with 204 and the CORS headers"
    return message, fix


def error_reply_without_cors(response: Response) -> tuple[str, str]:
    return (
        f"the server answered {response.status}{status_hint(response)} without CORS headers; "
        "the browser shows a CORS error instead of the real error",
        "make error replies carry the CORS headers too (CORS must wrap the error handler)",
    )


def list_failure(failure: PreflightFailure, headers: Headers, credentials: bool) -> tuple[str, str]:
    """(message, fix) for a preflight whose Allow-Methods / Allow-Headers refuse the request."""
    if failure.kind == "method":
        listed = header_get(headers, "Access-Control-Allow-Methods") or ""
        twin = next((m.strip() for m in listed.split(",") if m.strip().lower() == failure.hint.lower()), "")
        extra = ""
        if twin:
            extra = f" (it lists {twin}, but the comparison is case-sensitive)"
        elif credentials and "*" in listed:
            extra = " ('*' is a literal method name when credentials are included)"
        return (
            f"Access-Control-Allow-Methods is {shown(listed)}, which does not allow {failure.hint}{extra}",
            f"add {failure.hint} to Access-Control-Allow-Methods",
        )
    if failure.kind == "header":
        listed = header_get(headers, "Access-Control-Allow-Headers") or ""
        extra = " ('*' is literal when credentials are included)" if credentials and "*" in listed else ""
        return (
            f"Access-Control-Allow-Headers is {shown(listed)}, which does not allow the request header "
            f"{failure.hint}{extra}",
            f"add {failure.hint} to Access-Control-Allow-Headers",
        )
    name = "Methods" if failure.kind == "methods-unparsable" else "Headers"
    return (
        f"Access-Control-Allow-{name} has the item {failure.hint!r}, which is not an HTTP token",
        f"send a comma-separated list of plain names in Access-Control-Allow-{name}",
    )
