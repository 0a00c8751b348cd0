"""Which methods and request headers page script may use, and which force a preflight.

Fetch Standard: "CORS-safelisted method", "CORS-safelisted request-header",
"CORS-unsafe request-header names", "forbidden request-header" (rule book PF-*, REQ-*).
"""

from __future__ import annotations

import re

from cors_doctor.model import Browser, Headers

TCHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
_NORMALIZED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT")
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
_METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})
# Chromium also refuses a script-set User-Agent (crbug.com/571722); Firefox and Safari allow it.
_CHROME_EXTRA_FORBIDDEN = frozenset({"user-agent"})

_CORS_UNSAFE_BYTES = frozenset(b'"():<>?@[\\]{}\x7f') | (frozenset(range(0x20)) - {0x09})
_LANGUAGE_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")
_SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
_HTTP_WHITESPACE = " \t\r\n"
_RANGE = re.compile(rb"bytes=([0-9]+)-([0-9]*)")
_RANGE_ANY_CASE = re.compile(rb"bytes=([0-9]+)-([0-9]*)", re.IGNORECASE)
CHROME_SAFELISTED_HINTS = frozenset(
    {"dpr", "device-memory", "downlink", "width", "viewport-width", "rtt", "ect", "save-data", "intervention"}
)
_DECIMAL = re.compile(rb"[0-9]+(\.[0-9]+)?")


def is_token(text: str) -> bool:
    return bool(text) and all(ch in TCHARS for ch in text)


def normalize_method(method: str) -> str:
    """Uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT; `patch` stays `patch`."""
    upper = method.upper()
    return upper if upper in _NORMALIZED_METHODS else method


def is_forbidden_method(method: str) -> bool:
    return method.upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str, value: str, browser: Browser = "chrome") -> bool:
    """True when fetch() silently drops this header (page script cannot set it)."""
    lname = name.lower()
    if lname in FORBIDDEN_REQUEST_HEADERS or lname.startswith(("proxy-", "sec-")):
        return True
    if browser == "chrome" and lname in _CHROME_EXTRA_FORBIDDEN:
        return True
    if lname in _METHOD_OVERRIDE_HEADERS:
        return any(v.strip(_HTTP_WHITESPACE).upper() in FORBIDDEN_METHODS for v in value.split(","))
    return False


def _essence_is_safelisted(value: bytes) -> bool:
    """WHATWG MIME Sniffing "parse a MIME type", then compare the essence."""
    text = value.decode("latin-1").strip(_HTTP_WHITESPACE)
    slash = text.find("/")
    if slash <= 0:
        return False
    mime_type = text[:slash]
    rest = text[slash + 1 :]
    semicolon = rest.find(";")
    subtype = (rest if semicolon < 0 else rest[:semicolon]).rstrip(_HTTP_WHITESPACE)
    if not is_token(mime_type) or not is_token(subtype):
        return False
    return f"{mime_type}/{subtype}".lower() in _SAFELISTED_CONTENT_TYPES


_INT64_MAX = 2**63 - 1


def _range_is_simple(value: bytes, browser: Browser) -> bool:
    """`bytes=start-[end]`, case-sensitive in Chromium and Firefox (both preflight `Bytes=0-10`;
    WebKit does not), and the numbers must fit an int64 (a 20-digit start forces a preflight in
    all three)."""
    match = (_RANGE_ANY_CASE if browser == "safari" else _RANGE).fullmatch(value)
    if not match:
        return False
    start, end = int(match.group(1)), match.group(2)
    if start > _INT64_MAX or (end and int(end) > _INT64_MAX):
        return False
    return not end or start <= int(end)


def _client_hint_is_safelisted(lname: str, value: bytes) -> bool:
    if lname in {"dpr", "downlink", "device-memory"}:
        return bool(_DECIMAL.fullmatch(value))
    if lname in {"width", "viewport-width", "rtt"}:
        return value.isdigit()
    if lname == "ect":
        return value in {b"slow-2g", b"2g", b"3g", b"4g"}
    if lname == "save-data":
        return value.lower() == b"on"
    return lname == "intervention"


def is_safelisted_request_header(name: str, value: bytes, browser: Browser = "chrome") -> bool:
    """Fetch "CORS-safelisted request-header" for one (name, value) pair."""
    if len(value) > 128:
        return False
    lname = name.lower()
    if lname == "accept":
        return not any(b in _CORS_UNSAFE_BYTES for b in value)
    if lname in {"accept-language", "content-language"}:
        return all(b in _LANGUAGE_BYTES for b in value)
    if lname == "content-type":
        return not any(b in _CORS_UNSAFE_BYTES for b in value) and _essence_is_safelisted(value)
    if lname == "range":
        return _range_is_simple(value, browser)
    if browser == "chrome" and lname in CHROME_SAFELISTED_HINTS:
        return _client_hint_is_safelisted(lname, value)
    return False


NO_CORS_SAFELISTED_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type"})


def is_no_cors_safelisted_request_header(name: str, value: bytes) -> bool:
    """What a `mode: 'no-cors'` request keeps (the request-no-cors guard): these four names, with
    a safelisted value; fetch() drops every other header silently."""
    return name.lower() in NO_CORS_SAFELISTED_NAMES and is_safelisted_request_header(name, value, "firefox")


def header_bytes(value: str) -> bytes:
    """A header value as the ByteString fetch() makes of it (each code point must be <= 0xFF)."""
    return value.encode("latin-1")


def cors_unsafe_request_header_names(headers: Headers, browser: Browser = "chrome") -> tuple[str, ...]:
    """The lowercased, de-duplicated, byte-sorted names that go into Access-Control-Request-Headers.

    Firefox lists a name once per unsafe entry of the header list (`x-a,x-b,x-b` for X-B set
    twice), so for it `headers` are the entries as script appended them and nothing is merged."""
    unsafe: list[str] = []
    safelisted_total = 0
    safelisted_names: list[str] = []
    for name, value in headers:
        raw = header_bytes(value)
        if is_safelisted_request_header(name, raw, browser):
            safelisted_total += len(raw)
            safelisted_names.append(name.lower())
        else:
            unsafe.append(name.lower())
    if safelisted_total > 1024:
        unsafe += safelisted_names
    if browser != "firefox":
        unsafe = list(set(unsafe))
    return tuple(sorted(unsafe, key=lambda n: n.encode("latin-1")))
