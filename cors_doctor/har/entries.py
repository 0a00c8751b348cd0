"""One HAR entry as cors-doctor needs it, and what kind of request it was.

HAR writers differ: Chrome's DevTools records each preflight as an entry of its own and a blocked
request with status 0; Playwright leaves preflights out and marks blocked requests with status -1
and `_failureText`; Firefox adds its own fields. Everything here reads those variants into one
shape, keeping only what the CORS rules look at (bodies are cut to a short excerpt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cors_doctor.errors import CorsDoctorError
from cors_doctor.har.stream import HarError
from cors_doctor.model import Browser, Headers, Response, header_get
from cors_doctor.origin import origin_of
from cors_doctor.rules import safelist

BODY_EXCERPT = 2048
MAX_BODY = 64 * 1024
# Resource types whose requests are never CORS requests (navigations, sockets, beacons, reports).
NOT_CORS_TYPES = frozenset(
    {
        "document",
        "iframe",
        "websocket",
        "ping",
        "beacon",
        "cspviolationreport",
        "csp_report",
        "signedexchange",
        "prefetch",
    }
)
CORS_TYPES = frozenset({"fetch", "xhr", "eventsource"})
# Request headers the browser adds on its own (forbidden ones are dropped separately).
_BROWSER_ADDED = frozenset({"accept-language", "priority", "upgrade-insecure-requests", "x-client-data", "purpose"})


@dataclass(frozen=True)
class HarEntry:
    """The parts of one HAR entry the CORS rules need."""

    index: int
    started: float  # seconds since the epoch; 0 when the HAR has no usable startedDateTime
    started_text: str
    duration: float  # seconds
    method: str
    url: str
    request_headers: Headers
    cookies: str | None  # the Cookie header the browser sent, when it recorded one
    post_data: str | None
    status: int  # 0 or -1 when the browser kept no reply
    status_text: str
    http_version: str
    response_headers: Headers
    redirect_url: str
    error: str
    resource_type: str
    initiator: str
    pageref: str
    body_excerpt: str = ""

    @property
    def has_response(self) -> bool:
        return self.status > 0

    def header(self, name: str) -> str | None:
        return header_get(self.request_headers, name)

    @property
    def is_preflight(self) -> bool:
        if self.resource_type == "preflight" or self.initiator == "preflight":
            return True
        return self.method == "OPTIONS" and self.header("Access-Control-Request-Method") is not None

    @property
    def is_document(self) -> bool:
        return self.resource_type == "document" or (
            not self.resource_type and (self.header("Sec-Fetch-Dest") or "") == "document"
        )

    def response(self) -> Response:
        """The recorded reply as the evaluator takes it."""
        headers = self.response_headers
        if self.redirect_url and 300 <= self.status < 400 and header_get(headers, "Location") is None:
            headers = (*headers, ("Location", self.redirect_url))
        version = self.http_version.upper() if self.http_version else "HTTP/1.1"
        return Response(self.status, headers, self.status_text, self.body_excerpt, version)


def _headers(value: Any, where: str, name: str) -> Headers:
    if not value:
        return ()
    if type(value) is not list:
        raise HarError(f"{name}: {where}.headers is not a list")
    out: list[tuple[str, str]] = []
    for item in value:
        try:
            key, text = item["name"], item.get("value", "")
        except (TypeError, KeyError, AttributeError):
            continue
        if type(key) is not str:
            continue
        if type(text) is not str:
            text = str(text)
        if "\n" in text:  # some writers join repeated header lines
            out.extend((key, line) for line in text.split("\n"))
        else:
            out.append((key, text))
    return tuple(out)


def _time(text: Any) -> float:
    if not isinstance(text, str) or not text:
        return 0.0
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _cookies(request: dict, headers: Headers) -> str | None:
    cookie = header_get(headers, "Cookie")
    if cookie:
        return cookie
    jar = request.get("cookies")
    if isinstance(jar, list) and jar:
        pairs = [f"{c.get('name')}={c.get('value', '')}" for c in jar if isinstance(c, dict) and c.get("name")]
        return "; ".join(pairs) or None
    return None


def _post_data(request: dict) -> str | None:
    post = request.get("postData")
    if not isinstance(post, dict):
        return None
    text = post.get("text")
    return text[:MAX_BODY] if isinstance(text, str) else None


def read_entry(index: int, raw: Any, name: str) -> HarEntry:
    """Map one item of log.entries; raise HarError naming the entry when it cannot be read."""
    where = f"log.entries[{index}]"
    if not isinstance(raw, dict):
        raise HarError(f"{name}: {where} is not an object")
    request = raw.get("request")
    if not isinstance(request, dict):
        raise HarError(f"{name}: {where} has no 'request' object")
    url, method = request.get("url"), request.get("method")
    if not isinstance(url, str) or not url:
        raise HarError(f"{name}: {where}.request has no 'url'")
    if not isinstance(method, str) or not method:
        raise HarError(f"{name}: {where}.request has no 'method'")
    raw_response = raw.get("response")
    response: dict[str, Any] = raw_response if isinstance(raw_response, dict) else {}
    request_headers = _headers(request.get("headers"), f"{where}.request", name)
    status = response.get("status")
    raw_content = response.get("content")
    content: dict[str, Any] = raw_content if isinstance(raw_content, dict) else {}
    raw_text = content.get("text")
    text = raw_text if isinstance(raw_text, str) and content.get("encoding") != "base64" else ""
    initiator = raw.get("_initiator")
    time_ms = raw.get("time")
    return HarEntry(
        index=index,
        started=_time(raw.get("startedDateTime")),
        started_text=str(raw.get("startedDateTime") or ""),
        duration=max(0.0, float(time_ms)) / 1000 if isinstance(time_ms, (int, float)) else 0.0,
        method=method,
        url=url,
        request_headers=request_headers,
        cookies=_cookies(request, request_headers),
        post_data=_post_data(request),
        status=status if isinstance(status, int) else 0,
        status_text=str(response.get("statusText") or ""),
        http_version=str(response.get("httpVersion") or ""),
        response_headers=_headers(response.get("headers"), f"{where}.response", name),
        redirect_url=str(response.get("redirectURL") or ""),
        error=str(response.get("_error") or response.get("_failureText") or raw.get("_error") or ""),
        resource_type=str(raw.get("_resourceType") or raw.get("_type") or "").lower(),
        initiator=str(initiator.get("type") or "") if isinstance(initiator, dict) else "",
        pageref=str(raw.get("pageref") or ""),
        body_excerpt=text[:BODY_EXCERPT],
    )


def origin_text(url: str) -> str | None:
    """The serialized origin of an http(s) URL, None for anything else."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    end = len(rest)
    for stop in "/?#":
        index = rest.find(stop)
        if 0 <= index < end:
            end = index
    return _origin(scheme.lower(), rest[:end])


@lru_cache(maxsize=4096)
def _origin(scheme: str, authority: str) -> str | None:
    # a HAR repeats a handful of hosts many thousand times: parse each once
    try:
        return origin_of(f"{scheme}://{authority}/").serialize()
    except CorsDoctorError:
        return None


def is_cors_request(entry: HarEntry) -> bool:
    """Was this a CORS-mode request (as opposed to an image, a script or a navigation)?"""
    if entry.resource_type in NOT_CORS_TYPES:
        return False
    if entry.header("Origin") is not None:
        return True
    # a request the browser blocked often keeps only its provisional headers, without Origin
    return entry.resource_type in CORS_TYPES and not entry.has_response


def script_headers(entry: HarEntry, browser: Browser, allowed_by_preflight: set[str] | None) -> Headers:
    """The headers page script set: the recorded ones minus what the browser adds itself.

    With the preflight's Access-Control-Request-Headers at hand, a non-safelisted header it does not
    name was added by the browser too (DevTools' "Disable cache" adds Cache-Control and Pragma).
    """
    out = []
    names = {n.lower() for n, _ in entry.request_headers}
    for name, value in entry.request_headers:
        lname = name.lower()
        if (
            lname.startswith(":")
            or lname in _BROWSER_ADDED
            or safelist.is_forbidden_request_header(name, value, browser)
        ):
            continue
        if lname == "accept" and value.strip() == "*/*":
            continue
        try:
            safe = safelist.is_safelisted_request_header(name, safelist.header_bytes(value), browser)
        except UnicodeEncodeError:
            continue  # not a ByteString: fetch() would have refused it, so the browser sent something else
        if allowed_by_preflight is not None:
            if not safe and lname not in allowed_by_preflight:
                continue
        elif (
            lname in ("cache-control", "pragma")
            and value.strip().lower() == "no-cache"
            and {"cache-control", "pragma"} <= names
        ):
            continue
        out.append((name, value))
    return tuple(out)


def requested_headers(preflight: HarEntry) -> set[str]:
    value = preflight.header("Access-Control-Request-Headers") or ""
    return {item.strip().lower() for item in value.split(",") if item.strip()}
