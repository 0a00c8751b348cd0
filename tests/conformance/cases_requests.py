"""Cases about what the page asks for: methods and request headers.

They probe the preflight decision and the Access-Control-Request-* values. The server allows
exactly what the case requests, so the verdict hinges on the request side (and, for the last
few, on how the allow lists are matched).
"""

from __future__ import annotations

from .model import ACAO_PAGE, allow_all, grouped, headers, simple

LONG_ACCEPT_128 = "text/html;q=0.9," + "a" * 112  # 128 bytes
LONG_ACCEPT_129 = LONG_ACCEPT_128 + "b"  # 129 bytes
DIGITS_128 = "1." + "0" * 126  # a 128-byte decimal for DPR & co.

# Eight headers of 128 bytes each; the last four are safelisted by Chromium only.
EIGHT_FULL_HEADERS = headers(
    f"Accept: {LONG_ACCEPT_128}",
    "Accept-Language: " + "a" * 128,
    "Content-Language: " + "b" * 128,
    "Content-Type: text/plain;" + "c" * 117,
    f"DPR: {DIGITS_128}",
    f"Device-Memory: {DIGITS_128}",
    f"Width: {'1' * 128}",
    f"Viewport-Width: {'2' * 128}",
)


def pf(
    case_id,
    title,
    method="GET",
    hdrs=(),
    allow_method=None,
    allow_headers=None,
    body=None,
    credentials=False,
    actual=(ACAO_PAGE,),
):
    """A case whose preflight reply (if one comes) allows the method and header names used."""
    names = ", ".join(n for n, _ in hdrs) if allow_headers is None else allow_headers
    return simple(
        case_id,
        title,
        actual,
        preflight=allow_all(allow_method or method, names, credentials),
        method=method,
        headers=tuple(hdrs),
        body=body,
        credentials=credentials,
    )


METHOD_CASES = grouped(
    "methods",
    [
        pf("method-get-lowercase", "fetch method 'get' is normalized and safelisted", "get"),
        pf("method-head", "HEAD is safelisted; headers of a HEAD response", "HEAD"),
        pf("method-post-text", "POST with a string body: implicit text/plain, no preflight", "POST", body="hello"),
        pf("method-post-lowercase", "fetch method 'post' with a body", "post", body="hello"),
        pf("method-put", "PUT needs a preflight", "PUT", body="x"),
        pf("method-put-lowercase", "'put' is normalized to PUT", "put", allow_method="PUT", body="x"),
        pf("method-put-listed-lowercase", "PUT requested, ACAM lists 'put'", "PUT", allow_method="put", body="x"),
        pf(
            "method-patch-lowercase",
            "'patch' is not normalized; ACAM lists PATCH",
            "patch",
            allow_method="PATCH",
            body="x",
        ),
        pf(
            "method-patch-lowercase-listed",
            "'patch' requested, ACAM lists 'patch'",
            "patch",
            allow_method="patch",
            body="x",
        ),
        pf("method-patch-upper", "PATCH requested, ACAM lists PATCH", "PATCH", body="x"),
        pf("method-delete", "DELETE from script", "DELETE"),
        pf(
            "method-delete-not-listed",
            "DELETE requested, ACAM lists GET, POST, PUT",
            "DELETE",
            allow_method="GET, POST, PUT",
        ),
        pf("method-options", "OPTIONS from script is preflighted with ACRM OPTIONS", "OPTIONS"),
        pf("method-options-not-listed", "OPTIONS from script, ACAM lacks OPTIONS", "OPTIONS", allow_method="GET, POST"),
        pf("method-custom-token", "an extension method PROPFIND", "PROPFIND"),
        pf("method-acam-wildcard", "PUT under ACAM *", "PUT", allow_method="*", body="x"),
        pf("method-patch-mixed-case", "'Patch' is sent as written", "Patch", body="x"),
        pf("method-options-lowercase", "'options' is normalized to OPTIONS", "options", allow_method="OPTIONS"),
        pf("method-delete-lowercase-listed", "DELETE requested, ACAM lists 'delete'", "DELETE", allow_method="delete"),
        pf("method-delete-body", "DELETE with a string body", "DELETE", body="x"),
        pf("method-head-custom-header", "HEAD with X-Custom is preflighted", "HEAD", headers("X-Custom: 1")),
        pf(
            "method-post-acam-get-only",
            "POST with X-Custom passes ACAM GET (POST is safelisted)",
            "POST",
            headers("X-Custom: 1"),
            allow_method="GET",
            body="x",
        ),
    ],
)

HEADER_CASES = grouped(
    "request headers",
    [
        pf(
            "hdr-ct-json", "Content-Type application/json", "POST", headers("Content-Type: application/json"), body="{}"
        ),
        pf(
            "hdr-ct-text-plain-charset",
            "Content-Type text/plain; charset=utf-8",
            "POST",
            headers("Content-Type: text/plain; charset=utf-8"),
            body="x",
        ),
        pf(
            "hdr-ct-form-urlencoded",
            "Content-Type application/x-www-form-urlencoded",
            "POST",
            headers("Content-Type: application/x-www-form-urlencoded"),
            body="a=1",
        ),
        pf("hdr-ct-upper-case", "Content-Type TEXT/PLAIN", "POST", headers("Content-Type: TEXT/PLAIN"), body="x"),
        pf(
            "hdr-ct-multipart-quoted",
            "multipart/form-data with a quoted boundary",
            "POST",
            headers('Content-Type: multipart/form-data; boundary="b"'),
            body="x",
        ),
        pf(
            "hdr-ct-trailing-comma",
            "Content-Type text/plain, (list syntax)",
            "POST",
            headers("Content-Type: text/plain,"),
            body="x",
        ),
        pf(
            "hdr-ct-json-get",
            "Content-Type application/json on a GET",
            "GET",
            headers("Content-Type: application/json"),
        ),
        pf("hdr-accept-128", "Accept value of exactly 128 bytes", "GET", headers(f"Accept: {LONG_ACCEPT_128}")),
        pf("hdr-accept-129", "Accept value of 129 bytes", "GET", headers(f"Accept: {LONG_ACCEPT_129}")),
        pf(
            "hdr-accept-unsafe-byte",
            "Accept with a CORS-unsafe byte (quote)",
            "GET",
            headers('Accept: text/html; q="0.9"'),
        ),
        pf("hdr-accept-json", "Accept application/json", "GET", headers("Accept: application/json")),
        pf("hdr-range-ok", "Range bytes=0-10", "GET", headers("Range: bytes=0-10")),
        pf("hdr-range-suffix", "Range bytes=-5 (suffix range)", "GET", headers("Range: bytes=-5")),
        pf("hdr-range-multi", "Range with two ranges", "GET", headers("Range: bytes=0-1,5-6")),
        pf(
            "hdr-accept-language-ok",
            "Accept-Language en-US,en;q=0.9",
            "GET",
            headers("Accept-Language: en-US,en;q=0.9"),
        ),
        pf("hdr-accept-language-odd", "Accept-Language en_US (underscore)", "GET", headers("Accept-Language: en_US")),
        pf("hdr-content-language-colon", "Content-Language de:DE", "GET", headers("Content-Language: de:DE")),
        pf("hdr-x-custom", "X-Custom allowed by name", "GET", headers("X-Custom: 1")),
        pf("hdr-x-custom-not-allowed", "X-Custom, ACAH absent", "GET", headers("X-Custom: 1"), allow_headers=""),
        pf(
            "hdr-acah-other-case",
            "x-custom requested, ACAH lists X-CUSTOM",
            "GET",
            headers("x-custom: 1"),
            allow_headers="X-CUSTOM",
        ),
        pf(
            "hdr-sorted-acrh",
            "ACRH is lowercased, sorted, comma-joined",
            "POST",
            headers("X-B: 1", "Content-Type: application/json", "x-a: 2"),
            body="{}",
        ),
        pf(
            "hdr-x-requested-with",
            "X-Requested-With: XMLHttpRequest",
            "GET",
            headers("X-Requested-With: XMLHttpRequest"),
        ),
        pf("hdr-authorization-listed", "Authorization listed in ACAH", "GET", headers("Authorization: Bearer token")),
        pf(
            "hdr-authorization-wildcard",
            "Authorization covered by ACAH *",
            "GET",
            headers("Authorization: Bearer token"),
            allow_headers="*",
        ),
        pf(
            "hdr-authorization-wildcard-cred",
            "Authorization under ACAH * with credentials",
            "GET",
            headers("Authorization: Bearer token"),
            allow_headers="*",
            credentials=True,
            actual=(ACAO_PAGE, "Access-Control-Allow-Credentials: true"),
        ),
        pf("hdr-acah-wildcard", "X-Custom under ACAH *", "GET", headers("X-Custom: 1"), allow_headers="*"),
        pf(
            "hdr-acah-wildcard-cred",
            "X-Custom under ACAH * with credentials",
            "GET",
            headers("X-Custom: 1"),
            allow_headers="*",
            credentials=True,
            actual=(ACAO_PAGE, "Access-Control-Allow-Credentials: true"),
        ),
        pf("hdr-user-agent", "script-set User-Agent", "GET", headers("User-Agent: cors-doctor-test")),
        pf("hdr-cookie-forbidden", "script-set Cookie (forbidden)", "GET", headers("Cookie: a=b")),
        pf("hdr-dpr", "DPR: 2 (a client hint)", "GET", headers("DPR: 2")),
        pf("hdr-save-data", "Save-Data: on", "GET", headers("Save-Data: on")),
        pf(
            "hdr-ct-quoted-charset",
            'Content-Type text/plain; charset="utf-8"',
            "POST",
            headers('Content-Type: text/plain; charset="utf-8"'),
            body="x",
        ),
        pf(
            "hdr-ct-space-in-essence",
            "Content-Type 'text /plain'",
            "POST",
            headers("Content-Type: text /plain"),
            body="x",
        ),
        pf(
            "hdr-ct-del-byte",
            "Content-Type with a DEL byte in a parameter",
            "POST",
            headers("Content-Type: text/plain;a=\x7f"),
            body="x",
        ),
        pf(
            "hdr-ct-duplicated",
            "Content-Type text/plain given twice",
            "POST",
            headers("Content-Type: text/plain", "Content-Type: text/plain"),
            body="x",
        ),
        pf(
            "hdr-ct-json-no-body",
            "Content-Type application/json on a body-less POST",
            "POST",
            headers("Content-Type: application/json"),
        ),
        pf("hdr-accept-angle", "Accept <x> (unsafe bytes)", "GET", headers("Accept: <x>")),
        pf("hdr-accept-language-star", "Accept-Language *", "GET", headers("Accept-Language: *")),
        pf("hdr-duplicate-names", "X-Custom given twice", "GET", headers("X-Custom: 1", "x-custom: 2")),
        pf(
            "hdr-safelisted-plus-custom",
            "Accept application/json plus X-Custom",
            "GET",
            headers("Accept: application/json", "X-Custom: 1"),
        ),
        pf("hdr-sec-prefixed", "script-set Sec-Foo (forbidden prefix)", "GET", headers("Sec-Foo: 1")),
        pf(
            "hdr-proxy-authorization",
            "script-set Proxy-Authorization (forbidden)",
            "GET",
            headers("Proxy-Authorization: Basic eDp5"),
        ),
        pf(
            "hdr-method-override-trace",
            "X-HTTP-Method-Override: TRACE (forbidden value)",
            "GET",
            headers("X-HTTP-Method-Override: TRACE"),
        ),
        pf(
            "hdr-method-override-patch",
            "X-HTTP-Method-Override: PATCH",
            "GET",
            headers("X-HTTP-Method-Override: PATCH"),
        ),
        pf(
            "hdr-authorization-cred-listed",
            "Authorization listed, with credentials",
            "GET",
            headers("Authorization: Bearer token"),
            credentials=True,
            actual=(ACAO_PAGE, "Access-Control-Allow-Credentials: true"),
        ),
        pf("hdr-dpr-invalid", "DPR: two (not a number)", "GET", headers("DPR: two")),
        pf("hdr-save-data-off", "Save-Data: off", "GET", headers("Save-Data: off")),
        pf("hdr-ect", "ECT: 4g", "GET", headers("ECT: 4g")),
        pf("hdr-rtt", "RTT: 50", "GET", headers("RTT: 50")),
        pf("hdr-downlink", "Downlink: 1.5", "GET", headers("Downlink: 1.5")),
        pf("hdr-viewport-width", "Viewport-Width: 800", "GET", headers("Viewport-Width: 800")),
        pf("hdr-range-capital-bytes", "Range Bytes=0-10 (capital B)", "GET", headers("Range: Bytes=0-10")),
        pf("hdr-range-overflow", "Range start with 20 digits", "GET", headers("Range: bytes=99999999999999999999-")),
        pf(
            "hdr-safelisted-total-1024",
            "safelisted values totalling exactly 1024 bytes",
            "POST",
            EIGHT_FULL_HEADERS,
            body="x",
        ),
        pf(
            "hdr-safelisted-total-over-1024",
            "safelisted values totalling 1034 bytes",
            "POST",
            EIGHT_FULL_HEADERS + headers("Range: bytes=0-10"),
            body="x",
        ),
    ],
)
