"""The console error each browser prints for each CORS failure.

Texts are the ones in Chromium's `cors_error_string.cc`, Firefox's `security.properties` and
WebKit's `CrossOriginAccessControl.cpp`; they are what users paste into search engines, so
they must match byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from cors_doctor.model import Browser

_CHROME_NO_CORS_INFO = " Have the server send the header with a valid value."
_CHROME_PREFLIGHT = "Response to preflight request doesn't pass access control check: "
_CHROME_XHR_CREDENTIALS = (
    " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."
)

_CHROME = {
    "missing": "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    "multiple": "The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed."
    + _CHROME_NO_CORS_INFO,
    "invalid": "The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'." + _CHROME_NO_CORS_INFO,
    "mismatch": "The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin."
    + _CHROME_NO_CORS_INFO,
    "wildcard": "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
    "credentials": "The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be 'true' when the request's credentials mode is 'include'.",
    "status": "It does not have HTTP ok status.",
    "redirect": "Redirect is not allowed for a preflight request.",
    "methods-unparsable": "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
    "headers-unparsable": "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
    "method": "Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.",
    "header": "Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.",
    "userinfo": "Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin requests.",
    # the scheme list as Chromium 156 prints it (redir-location-ftp)
    "scheme": "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, "
    "chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
}
_CHROME_PREFLIGHT_PREFIXED = {
    "missing",
    "multiple",
    "invalid",
    "mismatch",
    "wildcard",
    "credentials",
    "status",
    "redirect",
}

_FIREFOX = {
    "missing": "CORS header ‘Access-Control-Allow-Origin’ missing",
    "multiple": "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed",
    "mismatch": "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’",
    "wildcard": "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’",
    "credentials": "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’",
    "status": "CORS preflight response did not succeed",
    "redirect": "CORS request external redirect not allowed",
    "methods-unparsable": "invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Methods’",
    "headers-unparsable": "invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’",
    "method": "Did not find method in CORS header ‘Access-Control-Allow-Methods’",
    "header": "header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response",
    "userinfo": "CORS request did not succeed",
    "too-many": "CORS request did not succeed",
    "location": "CORS request did not succeed",
    "invalid-location": "CORS request did not succeed",
    "scheme": "CORS request did not succeed",
}
_FIREFOX_WITH_STATUS = {"missing", "status", "userinfo", "too-many", "location", "invalid-location", "scheme"}
# Firefox gives up on these before it has a reply to quote: its status is "(null)".
_FIREFOX_NO_REPLY = {"userinfo", "too-many", "location", "invalid-location", "scheme"}
# Redirects Firefox and WebKit refuse to follow (not http(s), unparsable) name the redirecting URL.
_BAD_TARGET = {"location", "invalid-location", "scheme"}

_SAFARI = {
    "missing": "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
    "mismatch": "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}",
    "multiple": "Access-Control-Allow-Origin cannot contain more than one origin.",
    "wildcard": "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
    "credentials": 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
    "status": "Preflight response is not successful. Status code: {status}",
    "redirect": "Preflight response is not successful. Status code: {status}",  # a 3xx is just not ok
    "methods-unparsable": "Header Access-Control-Allow-Methods has an invalid value: {value}",
    "headers-unparsable": "Header Access-Control-Allow-Headers has an invalid value: {value}",
    "method": "Method {hint} is not allowed by Access-Control-Allow-Methods.",
    "header": "Request header field {hint} is not allowed by Access-Control-Allow-Headers.",
    "userinfo": "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: redirection URL {hint} has credentials",
    "too-many": "Load cannot follow more than 20 redirections",
    "scheme": "Cross-origin redirection to {url} denied by Cross-Origin Resource Sharing policy: not allowed to follow a "
    "cross-origin CORS redirection with non CORS scheme",
}


@dataclass(frozen=True)
class FailureContext:
    """Everything a browser puts into its console line for one failure."""

    kind: str
    url: str  # URL of the response that failed (last in the redirect chain)
    initial_url: str
    page_origin: str
    hint: str = ""
    status: int | None = None
    on_preflight: bool = False
    acao_lines: int = 0
    value: str = ""  # the raw header value, for Safari's "invalid value" texts
    redirect_to: str = ""  # set when the failing reply is itself a redirect (Safari names the target)
    script_hint: str = ""  # the header name as script wrote it (Safari keeps its case)
    request_origin: str = ""  # the request's Origin when it differs from the page's ('null' after a redirect)
    initiator: str = "fetch"  # "fetch" or "XMLHttpRequest": named in the console line


def _escape_hint(hint: str) -> str:
    """Chromium escapes non-printable and non-ASCII characters in hints (EncodeHint)."""
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else f"\\u{ord(ch):04X}" for ch in hint)


def _as_utf8(hint: str) -> str:
    """Firefox reads header bytes as UTF-8 in its messages (a stray byte becomes U+FFFD)."""
    try:
        return hint.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return hint


def chrome_message(ctx: FailureContext) -> str:
    redirected = f"(redirected from '{ctx.initial_url}') " if ctx.url != ctx.initial_url else ""
    head = f"Access to {ctx.initiator} at '{ctx.url}' {redirected}from origin '{ctx.page_origin}' has been blocked by CORS policy: "
    if ctx.kind == "mixed-content":
        return (
            f"Mixed Content: The page at '{ctx.page_origin}/' was loaded over HTTPS, but requested an insecure "
            f"resource '{ctx.url}'. This request has been blocked; the content must be served over HTTPS."
        )
    reason = _CHROME[ctx.kind].format(hint=_escape_hint(ctx.hint))
    prefix = _CHROME_PREFLIGHT if ctx.on_preflight and ctx.kind in _CHROME_PREFLIGHT_PREFIXED else ""
    if ctx.initiator == "XMLHttpRequest" and ctx.kind in ("wildcard", "credentials"):
        reason += _CHROME_XHR_CREDENTIALS
    return head + prefix + reason


def firefox_message(ctx: FailureContext) -> str:
    kind = ctx.kind
    if kind == "mixed-content":
        return f"Blocked loading mixed active content “{ctx.url}”"
    if kind == "multiple" and ctx.acao_lines <= 1:
        kind = "mismatch"  # Firefox counts header lines; one line "a, b" is a mismatch
    if kind == "invalid":
        kind = "mismatch"
    if kind == "scheme":  # its context names the target as url; Firefox names the redirecting URL
        ctx = FailureContext(kind, ctx.initial_url, ctx.initial_url, ctx.page_origin, status=ctx.status)
    reason = _FIREFOX[kind].format(hint=_as_utf8(ctx.hint))
    url = f"‘{ctx.url}’" if kind == "wildcard" else ctx.url
    text = f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason})."
    if kind in _FIREFOX_WITH_STATUS:
        status = None if kind in _FIREFOX_NO_REPLY else ctx.status
        text += f" Status code: {status if status is not None else '(null)'}."
    return text


def safari_message(ctx: FailureContext) -> str:
    kind = ctx.kind
    if kind == "mixed-content":
        return f"[blocked] The page at {ctx.page_origin}/ requested insecure content from {ctx.url}. This content was blocked and must be served over HTTPS."
    if kind == "multiple" and "," not in ctx.hint:
        kind = "mismatch"
    if kind == "invalid":
        kind = "mismatch"
    hint = ctx.script_hint or ctx.hint
    api = "XMLHttpRequest" if ctx.initiator == "XMLHttpRequest" else "Fetch API"
    if kind in _BAD_TARGET:
        return _safari_bad_target(ctx, api)
    if kind == "userinfo":
        # the Location that carries user:password@, serialized as the URL Standard does
        hint = _EMPTY_PASSWORD.sub(r"\1@", ctx.redirect_to or hint)
    # WebKit names the request's own origin ('null' once a redirect crossed origins) and the URL
    # of the reply that failed, not the one script asked for (WebKitGTK 2.50, conformance suite).
    origin = ctx.request_origin or ctx.page_origin
    reason = _SAFARI[kind].format(
        hint=hint, origin=origin, status=ctx.status, value=ctx.value, target=_without_userinfo(hint), url=ctx.url
    )
    if ctx.redirect_to and not ctx.on_preflight and kind != "userinfo":
        reason = (
            f"Cross-origin redirection to {ctx.redirect_to} denied by Cross-Origin Resource Sharing policy: {reason}"
        )
    return f"{reason}\n{api} cannot load {ctx.url} due to access control checks."


_EMPTY_PASSWORD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*):@")


def _safari_bad_target(ctx: FailureContext, api: str) -> str:
    """A redirect WebKit will not follow: an ftp: target, or any other non-http(s) or unparsable
    Location (redir-location-ftp, -data, -invalid), reported for the redirecting URL."""
    target, loading = (ctx.url, ctx.initial_url) if ctx.kind == "scheme" else (ctx.hint, ctx.url)
    if target.lower().startswith("ftp:"):
        reason = "FTP URLs are disabled"
    else:
        reason = (
            f"Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: "
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme"
        )
    return f"{reason}\n{api} cannot load {loading} due to access control checks."


def _without_userinfo(url: str) -> str:
    """The URL with its user:password@ removed (WebKit names the redirect target that way first)."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def browser_message(browser: Browser, ctx: FailureContext) -> str:
    """The console error `browser` prints for this failure."""
    if browser == "firefox":
        return firefox_message(ctx)
    if browser == "safari":
        return safari_message(ctx)
    return chrome_message(ctx)


def network_error_message(browser: Browser, url: str, net_error: str, xhr: bool = False) -> str:
    """The console line for a reply the browser refuses to read (`net_error`: Chromium's name):
    no CORS text, only the network error (Firefox: "CORS request did not succeed")."""
    if browser == "firefox":
        return (
            f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. "
            "(Reason: CORS request did not succeed). Status code: (null)."
        )
    if browser == "safari":
        return f"{'XMLHttpRequest' if xhr else 'Fetch API'} cannot load {url}."
    return f"Failed to load resource: {net_error}"


AUTHORIZATION_WILDCARD_DEPRECATION = (
    "Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling."
)
