"""What each recognised console message means: the check the browser made, what failed, the fix.

Pure text assembly for `cors-doctor explain`; the finding codes tie each explanation to
docs/rules/CODE.md, where the long form lives.
"""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.rules.cors_check import describe_mismatch

# Failures that only a preflight can produce: the request was not CORS-simple.
PREFLIGHT_KINDS = frozenset(
    {"status", "redirect", "methods-unparsable", "headers-unparsable", "method", "header", "pna-preflight"}
)
# Failures the server's CORS configuration fixes (a framework snippet helps).
SERVER_KINDS = frozenset(
    {
        "missing",
        "multiple",
        "invalid",
        "mismatch",
        "wildcard",
        "credentials",
        "status",
        "redirect",
        "methods-unparsable",
        "headers-unparsable",
        "method",
        "header",
        "authorization-wildcard",
        "unsafe-header-get",
    }
)
# Failures a `cors-doctor check` of the URL cannot reproduce (they happen in the page, not on the wire).
NOT_CHECKABLE = frozenset(
    {"scheme", "mode", "cors-disabled", "origin-not-added", "invalid-response", "redirect-mode", "unsafe-header-set"}
)


@dataclass(frozen=True)
class Facts:
    """What a console message told us, for filling in the advice."""

    kind: str
    browser: str
    origin: str | None = None
    hint: str | None = None
    status: int | None = None
    preflight: bool | None = None
    url: str | None = None
    space: str = ""


@dataclass(frozen=True)
class Advice:
    checked: str
    failed: str
    fix: str
    notes: tuple[str, ...] = ()


def _where(f: Facts) -> str:
    if f.preflight:
        return "the preflight (OPTIONS) reply"
    if f.preflight is None and f.browser != "chrome":
        return "the reply (the preflight's or the request's: this browser does not say which)"
    return "the reply"


def _origin(f: Facts) -> str:
    return f.origin or "the page's origin"


def _status_notes(f: Facts) -> tuple[str, ...]:
    if f.status is None or f.status < 400:
        return ()
    return (
        f"The server answered {f.status}: that error is the real problem. The error reply was made outside the CORS "
        "layer (an exception handler, a proxy, an auth layer), so the browser reports CORS instead (CD308).",
    )


def _access(f: Facts) -> Advice:
    where, origin = _where(f), _origin(f)
    checked = (
        f"The CORS check on {where}: Access-Control-Allow-Origin must be {origin} byte for byte, "
        "or '*' for requests without credentials."
    )
    hint = f.hint or ""
    if f.kind == "missing":
        fix = f"Send Access-Control-Allow-Origin: {origin} on {where}"
        fix += (
            ": answer OPTIONS in the CORS layer, before routing and authentication."
            if f.preflight
            else ", error replies included."
        )
        notes = _status_notes(f) or (
            "Usual causes: CORS is not enabled for this route, the origin is missing from the server's allow-list, "
            "or an error page, proxy or auth layer answered without CORS headers.",
        )
        return Advice(checked, "The header is absent.", fix, notes)
    if f.kind == "multiple":
        return Advice(
            checked,
            f"It holds more than one value: '{hint}'." if hint else "It holds more than one value.",
            "Send exactly one Access-Control-Allow-Origin line with one origin. Two layers (the app and a "
            "proxy or CDN) usually both add it: keep one of them.",
        )
    if f.kind == "invalid":
        return Advice(
            checked,
            f"'{hint}' is not an origin (an origin is scheme://host[:port]).",
            f"Send Access-Control-Allow-Origin: {origin}.",
        )
    why = describe_mismatch(hint, f.origin) if f.origin and hint else "it is not byte for byte the page's origin"
    return Advice(
        checked,
        f"It is '{hint}' — {why}." if hint else f"It does not equal {origin}.",
        f"Send Access-Control-Allow-Origin: {origin} exactly (echo the request's Origin when it is in "
        "your allow-list) and Vary: Origin.",
    )


def _credentials(f: Facts) -> Advice:
    where, origin = _where(f), _origin(f)
    if f.kind == "wildcard":
        return Advice(
            f"The request carries credentials (credentials: 'include', withCredentials), so the CORS check on {where} "
            "refuses Access-Control-Allow-Origin: *.",
            "Access-Control-Allow-Origin is '*'.",
            f"Echo the origin ({origin}) instead of '*', with Access-Control-Allow-Credentials: true and Vary: Origin; "
            "or drop credentials: 'include' if the request needs no cookies.",
        )
    value = f"'{f.hint}'" if f.hint else "absent"
    return Advice(
        f"The request carries credentials, so {where} must say Access-Control-Allow-Credentials: true.",
        f"Access-Control-Allow-Credentials is {value}.",
        f"Send Access-Control-Allow-Credentials: true (exactly, lower case, one line) on {where}.",
    )


def _preflight(f: Facts) -> Advice:
    hint = f.hint or ""
    if f.kind == "status":
        seen = f"The OPTIONS request was answered {f.status}." if f.status else "The OPTIONS reply's status is not 2xx."
        by_status = {
            401: "401/403: an authentication layer runs before CORS; preflights never carry cookies or "
            "Authorization, so exempt OPTIONS from authentication.",
            404: "404/405: the router has no OPTIONS route; let the CORS layer answer OPTIONS first.",
            500: "5xx: the OPTIONS request crashed the server.",
        }
        key = {403: 401, 405: 404}.get(f.status or 0, f.status or 0)
        key = 500 if key >= 500 else key
        return Advice(
            "A preflight reply must have an ok status (200-299).",
            seen,
            "Answer OPTIONS with 204 (or 200) and the CORS headers, before routing and authentication.",
            (by_status[key],) if key in by_status else (),
        )
    if f.kind == "redirect":
        return Advice(
            "Browsers never follow a redirect of a preflight.",
            "The OPTIONS request was redirected.",
            "Call the URL the redirect points to (trailing slash, https, another host) and answer OPTIONS "
            "there without redirecting.",
        )
    if f.kind in ("methods-unparsable", "headers-unparsable"):
        name = "Methods" if f.kind == "methods-unparsable" else "Headers"
        item = f" ('{hint}')" if hint else ""
        return Advice(
            f"Access-Control-Allow-{name} must be a comma-separated list of names (HTTP tokens).",
            f"It has an item that is not a name{item}; the whole preflight fails.",
            f"Send a plain list, e.g. Access-Control-Allow-{name}: "
            + ("GET, POST, PUT" if name == "Methods" else "Content-Type, Authorization")
            + ".",
        )
    if f.kind == "method":
        notes: tuple[str, ...] = ()
        if hint and hint != hint.upper():
            notes = (
                f"The page sends the method as '{hint}': browsers uppercase only DELETE, GET, HEAD, OPTIONS, "
                f"POST and PUT. Write '{hint.upper()}' in fetch() (CD102).",
            )
        return Advice(
            "Access-Control-Allow-Methods must list the request's method (case-sensitive; '*' counts only "
            "without credentials).",
            f"{hint or 'The method'} is not listed.",
            f"Add {hint or 'the method'} to Access-Control-Allow-Methods.",
            notes,
        )
    if f.kind == "header":
        notes = ()
        if hint.lower() == "content-type":
            notes = (
                "Content-Type needs no permission only for text/plain, multipart/form-data and "
                "application/x-www-form-urlencoded; application/json must be allowed.",
            )
        elif hint.lower() == "authorization":
            notes = ("With credentials, '*' in Access-Control-Allow-Headers is a literal name: list Authorization.",)
        return Advice(
            "Access-Control-Allow-Headers must list every request header the page sets that is not "
            "CORS-safelisted ('*' covers them only without credentials).",
            f"{hint or 'A request header'} is not listed.",
            f"Add {hint or 'the header'} to Access-Control-Allow-Headers.",
            notes,
        )
    return Advice(
        "Chrome's Private Network Access preflight (legacy) asks the server to allow requests into a more "
        f"private network{' (' + f.space + ')' if f.space else ''}.",
        "The preflight reply did not allow it.",
        "Answer the preflight with Access-Control-Allow-Private-Network: true, or update Chrome: current "
        "versions use Local Network Access, which no header satisfies.",
    )


_FIXED: dict[str, Advice] = {
    "userinfo": Advice(
        "A redirect of a cross-origin request may not point to a URL with user:password@.",
        "The redirect's Location contains credentials.",
        "Redirect to a URL without user:password@.",
    ),
    "location": Advice(
        "A CORS request can only be redirected to http(s) URLs.",
        "The redirect points to another scheme.",
        "Redirect to an http(s) URL.",
    ),
    "reply-rejected": Advice(
        "The browser reads a reply only if its head is well-formed HTTP.",
        "The server answered with bytes Chrome refuses (a NUL byte in a header, two different "
        "Content-Length, Location or Content-Disposition values, or no final status after a 1xx), "
        "so the request failed before any CORS check.",
        "Fix the server or proxy that writes this reply head; no CORS header changes it. "
        "`cors-doctor check` shows which header is at fault.",
    ),
    "invalid-location": Advice(
        "A redirect's Location must be a URL.",
        "The Location does not parse as a URL.",
        "Send a valid absolute or relative URL in Location.",
    ),
    "too-many": Advice(
        "Browsers follow at most 20 redirects.",
        "The request was redirected more than 20 times.",
        "Remove the redirect loop.",
    ),
    "redirect-mode": Advice(
        "fetch() was called with redirect: 'error' (or 'manual') and the server redirected.",
        "The reply was a redirect.",
        "Call the final URL directly, or let fetch() follow redirects.",
    ),
    "mixed-content": Advice(
        "An https page may not call http URLs (mixed content); it is blocked before any request.",
        "The URL is http.",
        "Serve the API over https and call it with https://. No CORS header can fix mixed content.",
    ),
    "scheme": Advice(
        "CORS works only with http and https.",
        "The page or the target is not http(s): typically a page opened from file:// (origin 'null').",
        "Serve the page from a local web server (http://localhost:PORT) instead of opening the file.",
    ),
    "mode": Advice(
        "fetch() was called with mode: 'same-origin', which refuses other origins.",
        "The URL is cross-origin.",
        "Use mode: 'cors' (the default) and configure CORS on the server.",
    ),
    "cors-disabled": Advice(
        "Firefox's content.cors.disable setting is on.",
        "CORS is switched off in this profile.",
        "Reset content.cors.disable in about:config; the server is not involved.",
    ),
    "origin-not-added": Advice(
        "The request came from a context without a web origin (an extension).",
        "Firefox could not add the Origin header.",
        "Make the request from a web page, or from the extension's background context.",
    ),
    "blocked": Advice(
        "A content blocker or policy stopped the preflight.",
        "No reply was received.",
        "Disable the content blocker for the page; the server is not involved.",
    ),
    "invalid-response": Advice(
        "A service worker answered the CORS request.",
        "Its response is not usable for a CORS request (typically opaque, from a no-cors fetch).",
        "Fix the service worker's respondWith(): fetch the request as it came "
        "(mode 'cors'), or let it go to the network.",
    ),
    "authorization-wildcard": Advice(
        "Access-Control-Allow-Headers: '*' is checked for Authorization.",
        "Authorization is allowed only through '*'; the Fetch Standard says '*' never covers it, and browsers will "
        "block it once they enforce that.",
        "List Authorization explicitly in Access-Control-Allow-Headers.",
    ),
    "unsafe-header-set": Advice(
        "Page script may not set forbidden request headers.",
        "The browser dropped the header.",
        "Remove it from the request; the browser sets it itself.",
    ),
}


def advise(f: Facts) -> Advice:
    """The explanation for one recognised failure."""
    if f.kind in ("missing", "multiple", "invalid", "mismatch"):
        return _access(f)
    if f.kind in ("wildcard", "credentials"):
        return _credentials(f)
    if f.kind in (
        "status",
        "redirect",
        "methods-unparsable",
        "headers-unparsable",
        "method",
        "header",
        "pna-preflight",
    ):
        return _preflight(f)
    if f.kind.startswith("lna-"):
        space = f" `{f.space}`" if f.space else ""
        failed = {
            "lna-denied": f"The user or Chrome refused access to the{space} address space.",
            "lna-insecure": "The page is not a secure context (http).",
            "lna-mismatch": "The address the host resolved to is not in the declared address space.",
        }[f.kind]
        return Advice(
            "Chrome's Local Network Access: a page may reach loopback or local-network addresses only from "
            "a secure (https) page and with the user's permission.",
            failed,
            "No response header fixes it: serve the page over https and let the user grant the "
            "local-network permission, or serve page and API from the same machine during development.",
        )
    if f.kind == "network":
        status = " (Status code: (null) means no reply at all)" if f.browser == "firefox" else ""
        return Advice(
            "The request must get an HTTP reply before any CORS check.",
            f"It failed below HTTP{status}: DNS, connection refused, a TLS certificate error, an extension "
            "or content blocker, or a cancelled preflight.",
            "Make the URL reachable from the browser; no CORS header is involved. The check command "
            "tells you whether the server answers.",
        )
    if f.kind == "unsafe-header-get":
        return Advice(
            "Page script can read only safelisted response headers and the ones named in "
            "Access-Control-Expose-Headers.",
            f"{f.hint or 'The header'} is not exposed.",
            f"Add {f.hint or 'the header'} to Access-Control-Expose-Headers.",
        )
    if f.kind == "unknown":
        return Advice(
            "Safari blocked the request in its CORS checks.",
            "Safari prints the reason on the line before this one.",
            "Paste that line too, or run the check command to find the reason.",
        )
    return _FIXED[f.kind]
