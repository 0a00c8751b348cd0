"""Turn what page script asks for into what the browser will put on the wire (pure)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cors_doctor.errors import UsageError
from cors_doctor.model import Browser, Finding, Headers, OutgoingRequest, Plan, RequestSpec, Severity
from cors_doctor.origin import Origin, is_loopback_host, normalize_url, origin_of, parse_origin
from cors_doctor.rules import safelist
from cors_doctor.rules.catalog import rule
from cors_doctor.rules.codes import Code

USER_AGENT = {
    "chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    "firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "safari": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15",
}


def finding(code: str, message: str, fix: str = "", step: str = "", severity: Severity | None = None) -> Finding:
    r = rule(code)
    return Finding(code, severity or r.severity, r.title, message, fix, r.ref, step)


def _merge_duplicates(headers: Headers, browser: Browser = "chrome") -> tuple[Headers, list[str]]:
    """Fetch's header list combines same-named entries into `a, b` (first spelling wins).
    Firefox sends only the first Content-Type (its network layer keeps one value for it)."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        key = name.lower()
        if key in merged:
            if browser == "firefox" and key == "content-type":
                continue
            merged[key][1].append(value)
        else:
            merged[key] = (name, [value])
    duplicates = [spelling for spelling, values in merged.values() if len(values) > 1]
    return tuple((spelling, ", ".join(values)) for spelling, values in merged.values()), duplicates


def _validate_header(name: str, value: str) -> None:
    if not safelist.is_token(name):
        raise UsageError(f"invalid header name {name!r}: fetch() throws TypeError for it")
    if any(ch in value for ch in "\r\n\x00"):
        raise UsageError(f"the value of header {name!r} contains CR, LF or NUL: fetch() throws TypeError for it")
    try:
        safelist.header_bytes(value)
    except UnicodeEncodeError:
        raise UsageError(
            f"the value of header {name!r} has characters above U+00FF: fetch() throws TypeError (not a ByteString)"
        ) from None


def build_plan(spec: RequestSpec) -> Plan:
    """Validate the request like fetch() does and decide whether a preflight is needed.

    Built from named steps, in the order fetch() takes them: the method, the script's headers,
    the headers the browser adds or merges, where the request goes, and why it is preflighted.
    """
    url = normalize_url(spec.url)
    page_origin = parse_origin(spec.origin)
    method = _method(spec)
    no_cors = spec.mode == "no-cors"
    findings: list[Finding] = []
    kept, dropped = _script_headers(spec, findings)
    headers, entries = _browser_headers(spec, method, kept, findings)
    target = origin_of(url)
    same = not page_origin.opaque and page_origin == target
    if same:
        findings.append(
            finding(
                Code.SAME_ORIGIN_REQUEST,
                f"{url} is same-origin with {page_origin}: the browser does not apply CORS",
                step="plan",
            )
        )
    mixed = _environment_findings(page_origin, target, url, findings)
    # Firefox judges each entry of the header list, other browsers the combined values.
    unsafe = (
        ()
        if no_cors
        else safelist.cors_unsafe_request_header_names(entries if spec.browser == "firefox" else headers, spec.browser)
    )
    reasons, forced = _preflight_reasons(spec, method, headers, unsafe, findings)
    return Plan(
        spec=spec,
        origin=page_origin.serialize(),
        url=url,
        method=method,
        headers=headers,
        dropped_headers=tuple(dropped),
        preflight_required=bool(reasons) and not same and not no_cors,
        preflight_reasons=tuple(reasons),
        unsafe_header_names=unsafe,
        findings=tuple(findings),
        same_origin=same,
        mixed_content=mixed,
        preflight_forced=forced,
    )


def _method(spec: RequestSpec) -> str:
    """The method as the browser sends it; fetch()'s TypeErrors as UsageErrors."""
    if not safelist.is_token(spec.method):
        raise UsageError(f"invalid method {spec.method!r}: a method must be an HTTP token")
    if safelist.is_forbidden_method(spec.method):
        raise UsageError(f"fetch() refuses the method {spec.method} (TypeError: forbidden method)")
    method = safelist.normalize_method(spec.method)
    if spec.body is not None and method in ("GET", "HEAD"):
        raise UsageError(f"fetch() refuses a body with {method} (TypeError); drop --data or use another method")
    if spec.mode == "no-cors" and method not in safelist.SAFELISTED_METHODS:
        raise UsageError(
            f"fetch() refuses mode 'no-cors' with the method {method} (TypeError): only GET, HEAD and POST"
        )
    return method


def _script_headers(spec: RequestSpec, findings: list[Finding]) -> tuple[list[tuple[str, str]], list[str]]:
    """(kept, dropped): the headers script may set, and the ones the browser drops silently
    (forbidden ones; in mode 'no-cors', all but the no-CORS-safelisted ones)."""
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    no_cors = spec.mode == "no-cors"
    for name, raw_value in spec.headers:
        value = raw_value.strip(" \t\r\n")
        _validate_header(name, value)
        if no_cors and not safelist.is_no_cors_safelisted_request_header(name, safelist.header_bytes(value)):
            dropped.append(name)
            findings.append(
                finding(
                    Code.FORBIDDEN_REQUEST_HEADER,
                    f"mode 'no-cors' keeps only safelisted Accept, Accept-Language, "
                    f"Content-Language and Content-Type headers: the browser drops {name} silently",
                    step="plan",
                )
            )
            continue
        if safelist.is_forbidden_request_header(name, value, spec.browser):
            dropped.append(name)
            findings.append(
                finding(
                    Code.FORBIDDEN_REQUEST_HEADER,
                    f"{name} is a forbidden request header: page script cannot set it, the browser drops it silently",
                    f"remove {name} from the request; the browser sets it itself"
                    if name.lower() != "cookie"
                    else "use credentials: 'include' and let the browser send its cookies",
                    "plan",
                )
            )
            continue
        kept.append((name, value))
    return kept, dropped


def _browser_headers(
    spec: RequestSpec, method: str, kept: list[tuple[str, str]], findings: list[Finding]
) -> tuple[Headers, Headers]:
    """(headers, entries): duplicates merged (and the list as entries, unmerged), the
    Content-Type a string body implies, and what the method turns into."""
    headers, duplicates = _merge_duplicates(tuple(kept), spec.browser)
    for name in duplicates:
        findings.append(
            finding(
                Code.DUPLICATE_REQUEST_HEADER,
                f"{name} was given more than once; the browser sends one combined value",
                step="plan",
            )
        )
    entries: Headers = tuple(kept)
    if spec.body is not None and not any(n.lower() == "content-type" for n, _ in headers):
        implied = ("Content-Type", "text/plain;charset=UTF-8")
        headers, entries = (*headers, implied), (*entries, implied)
        findings.append(
            finding(
                Code.IMPLICIT_CONTENT_TYPE,
                "the string body makes the browser send Content-Type: text/plain;charset=UTF-8 (safelisted)",
                step="plan",
            )
        )
    if method != spec.method.upper():
        findings.append(
            finding(
                Code.METHOD_NOT_NORMALIZED,
                f"the browser sends the method as {method!r}, not {method.upper()!r}: only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased",
                f"write {method.upper()!r} in the client, or allow {method!r} exactly in Access-Control-Allow-Methods",
                "plan",
            )
        )
    return headers, entries


def _preflight_reasons(
    spec: RequestSpec, method: str, headers: Headers, unsafe: tuple[str, ...], findings: list[Finding]
) -> tuple[list[str], bool]:
    """(why the browser preflights this request, whether an upload listener forces it)."""
    reasons: list[str] = []
    if method not in safelist.SAFELISTED_METHODS:
        reasons.append(f"method {method} is not CORS-safelisted (only GET, HEAD and POST are)")
    for name in dict.fromkeys(unsafe):  # Firefox may list a name twice
        reasons.append(f"header {name} is not CORS-safelisted{_why_unsafe(name, headers, spec.browser)}")
    # Chromium forces the preflight only when there is a body to upload; Firefox and WebKit
    # preflight an XHR with an upload listener even without one (xhr-upload-listener-get).
    forced = spec.client == "xhr-upload" and (spec.body is not None or spec.browser != "chrome")
    if forced:
        reasons.append("an xhr.upload event listener forces a preflight for a request with a body")
    if spec.mode == "no-cors":
        findings.append(
            finding(
                Code.OPAQUE_RESPONSE,
                "mode 'no-cors': no preflight and no CORS check; script gets an opaque response "
                "(status 0, no headers, empty body) and cannot read the reply",
                "drop mode: 'no-cors' and let the server send Access-Control-Allow-Origin, if script needs the reply",
                "plan",
            )
        )
    if spec.browser == "chrome":
        for name, _ in headers:
            if name.lower() in safelist.CHROME_SAFELISTED_HINTS and name.lower() not in unsafe:
                findings.append(
                    finding(
                        Code.SAFELISTED_IN_CHROME_ONLY,
                        f"{name} is safelisted in Chrome only; Firefox and Safari would preflight it",
                        step="plan",
                    )
                )
    return reasons, forced


def only_the_actual_request_tells(plan: Plan) -> bool:
    """No preflight and a method that can change data: the request itself is the only thing a
    check can look at, and cors-doctor sends it only when the user allows it (--actual)."""
    return not plan.preflight_required and not plan.same_origin and plan.method not in ("GET", "HEAD")


def _why_unsafe(name: str, headers: Headers, browser: Browser) -> str:
    for n, v in headers:
        if n.lower() != name:
            continue
        raw = safelist.header_bytes(v)
        if name in {"accept", "accept-language", "content-language", "content-type", "range"}:
            if len(raw) > 128:
                return f" (its value is {len(raw)} bytes; the limit is 128)"
            if safelist.is_safelisted_request_header(n, raw, browser):
                return " (the safelisted header values add up to more than 1024 bytes)"
            return f" with the value {v!r}"
    return ""


def _environment_findings(page: Origin, target: Origin, url: str, findings: list[Finding]) -> bool:
    """Findings about where page and target are; True when the request is mixed content."""
    mixed = page.scheme == "https" and target.scheme == "http" and not is_loopback_host(target.host)
    if mixed:
        findings.append(
            finding(
                Code.MIXED_CONTENT,
                f"the page is https but {url} is http: blocked as mixed content before any request",
                "serve the API over https",
                "plan",
            )
        )
    if not page.opaque and not is_loopback_host(page.host) and is_loopback_host(target.host):
        findings.append(
            finding(
                Code.LOCAL_NETWORK_ACCESS,
                f"{page} is not on loopback but {url} is: Chrome 142+ asks the user for Local Network Access permission, "
                "and refuses it from http pages",
                "use an https page and expect the permission prompt, or serve the page from localhost too",
                "plan",
            )
        )
    return mixed


def sec_fetch_site(page: str, url: str) -> str:
    """Sec-Fetch-Site for a first hop; same-site approximated by the last two host labels."""
    if page == "null":
        return "cross-site"
    p, t = urlsplit(page), urlsplit(url)
    if origin_of(url).serialize() == page:
        return "same-origin"
    ph, th = (p.hostname or ""), (t.hostname or "")
    if p.scheme == t.scheme and (
        ph == th
        or (ph.count(".") >= 1 and ph.split(".")[-2:] == th.split(".")[-2:] and not ph.replace(".", "").isdigit())
    ):
        return "same-site"
    return "cross-site"


_CHROME_UA_HINTS = (
    ("sec-ch-ua", '"Not:A-Brand";v="8", "Chromium";v="156"'),
    ("sec-ch-ua-mobile", "?0"),
    ("sec-ch-ua-platform", '"Linux"'),
)


def _potentially_trustworthy(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or is_loopback_host(parts.hostname or "")


def _common_headers(plan: Plan, url: str, origin_header: str | None) -> list[tuple[str, str]]:
    """Headers the browser adds to every CORS request (as recorded from Chromium 156). A no-cors
    GET or HEAD carries no Origin (origin_header None)."""
    headers = [("Origin", origin_header)] if origin_header is not None else []
    headers.append(("User-Agent", USER_AGENT[plan.spec.browser]))
    if _potentially_trustworthy(url):
        headers += [
            ("Sec-Fetch-Mode", plan.spec.mode),
            ("Sec-Fetch-Site", sec_fetch_site(plan.origin, url)),
            ("Sec-Fetch-Dest", "empty"),
        ]
    if plan.origin != "null":
        headers.append(("Referer", plan.origin + "/"))
    headers.append(("Accept-Language", "en-US,en;q=0.9"))
    return headers


# No whitespace between the unit and "=": Chromium sends `bytes =100-200` as written (wpt-range-space-after-unit).
_ONE_BYTE_RANGE = re.compile(r"[ \t]*bytes=[ \t]*([0-9]*)[ \t]*-[ \t]*([0-9]*)[ \t]*", re.IGNORECASE)
_INT64_MAX = 2**63 - 1


def _chromium_range(value: str) -> str:
    """Chromium parses a Range of one byte range and writes it back as `bytes=first-last`, so
    `Bytes=0-10` goes out as `bytes=0-10`; what it cannot parse goes out as written."""
    match = _ONE_BYTE_RANGE.fullmatch(value)
    if not match or not (match.group(1) or match.group(2)):
        return value
    first, last = match.group(1), match.group(2)
    if any(n and int(n) > _INT64_MAX for n in (first, last)) or (first and last and int(first) > int(last)):
        return value
    return f"bytes={first}-{last}"


def preflight_request(
    plan: Plan, url: str, method: str, unsafe: tuple[str, ...], origin_header: str
) -> OutgoingRequest:
    """The OPTIONS request: no credentials, no body, ACRH lowercased, sorted, comma-joined."""
    headers = [("Accept", "*/*"), ("Access-Control-Request-Method", method)]
    if unsafe:
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe)))
    headers += _common_headers(plan, url, origin_header)
    return OutgoingRequest("preflight", "OPTIONS", url, tuple(headers))


def actual_request(
    plan: Plan, url: str, method: str, headers: Headers, body: str | None, origin_header: str | None, cookie: str | None
) -> OutgoingRequest:
    """The request itself, with the headers script set plus the ones the browser adds."""
    out = list(headers)
    if plan.spec.browser == "chrome":
        out = [(n, _chromium_range(v) if n.lower() == "range" else v) for n, v in out]
    if plan.spec.browser == "chrome" and _potentially_trustworthy(url):
        out += _CHROME_UA_HINTS
    if not any(n.lower() == "accept" for n, _ in out):
        out.append(("Accept", "*/*"))
    given = {n.lower() for n, _ in out}
    out += [(n, v) for n, v in _common_headers(plan, url, origin_header) if n.lower() not in given]
    if plan.spec.credentials and cookie:
        out.append(("Cookie", cookie))
    return OutgoingRequest("actual", method, url, tuple(out), body, with_credentials=plan.spec.credentials)
