"""Recognise pasted browser console errors and explain them (`cors-doctor explain`).

Pure: text in, explanations out. Pasted text is noisy (log levels, source links, the
`net::ERR_FAILED` companion line, the JavaScript TypeError, typographic quotes, wrapped lines), so
it is cleaned first; each message is then matched against the patterns in explain_patterns,
which are built from the texts `check` prints.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field, replace

from cors_doctor.check_args import CheckArgs
from cors_doctor.explain import advice
from cors_doctor.explain import patterns as P
from cors_doctor.explain.clean import Line, NetLine, clean
from cors_doctor.rules.codes import Code
from cors_doctor.rules.cors_check import check_access
from cors_doctor.rules.kinds import code_for
from cors_doctor.rules.safelist import SAFELISTED_METHODS, cors_unsafe_request_header_names

_HEADER_EXAMPLES = {"content-type": "application/json", "authorization": "Bearer TOKEN"}
_MAX_OPEN_BREAKS = 8  # line breaks not at a space: each may be joined with or without one
_MAX_CLOSEST_FOR = 3
_NET_KINDS = {
    "net::ERR_TOO_MANY_REDIRECTS": "too-many",
    "net::ERR_UNSAFE_REDIRECT": "location",
    "net::ERR_INVALID_REDIRECT": "location",
    "net::ERR_BLOCKED_BY_CLIENT": "blocked",
    # replies Chrome refuses to read (conformance cases line-*, wpt-pf-status-103)
    "net::ERR_INVALID_HTTP_RESPONSE": "reply-rejected",
    "net::ERR_EMPTY_RESPONSE": "reply-rejected",
    "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH": "reply-rejected",
    "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION": "reply-rejected",
    "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION": "reply-rejected",
}
# Not about reaching the server: a CORS block (reason on another line) or a no-cors response blocker.
_NET_NOT_EXPLAINED = frozenset(
    {"net::ERR_FAILED", "net::ERR_BLOCKED_BY_ORB", "net::ERR_BLOCKED_BY_RESPONSE", "net::ERR_ABORTED"}
)
_ERR_FAILED_NOTE = (
    "Chrome prints this line for every blocked request; the reason is on the line starting 'Access to fetch at'."
)
_SERVER_STATUS_NOTE = (
    "Not a CORS error: the server answered with an error status and the browser let page "
    "script read the reply. Look at the server's log for the error."
)
_GENERIC_NOTE = (
    "This is what JavaScript sees for every blocked request; it carries no reason. The browser printed the reason "
    "in the console just before it: copy that line (Chrome: 'Access to fetch at ...', Firefox: 'Cross-Origin "
    "Request Blocked: ...', Safari: the line before 'Fetch API cannot load ...')."
)


@dataclass(frozen=True)
class Explanation:
    """One recognised console message and what to do about it."""

    browser: str
    kind: str
    code: str | None
    also: tuple[str, ...]  # other codes the same text can stand for (Safari prints one text for several)
    message: str
    checked: str
    failed: str
    fix: str
    notes: tuple[str, ...] = ()
    url: str | None = None
    initial_url: str | None = None
    origin: str | None = None
    method: str | None = None
    status: int | None = None
    preflight: bool | None = None
    hint: str | None = None
    resource: str | None = None
    count: int = 1
    check: CheckArgs | None = None
    assumptions: tuple[str, ...] = ()
    no_check_reason: str = ""


@dataclass(frozen=True)
class Unrecognised:
    """Text that is not a CORS message cors-doctor knows, with the known messages closest to it."""

    text: str
    closest: tuple[tuple[str, str, float], ...] = ()  # (browser, message, similarity 0..1)
    note: str = ""


@dataclass(frozen=True)
class ExplainResult:
    explained: tuple[Explanation, ...]
    unrecognised: tuple[Unrecognised, ...]


@dataclass(frozen=True)
class _Match:
    browser: str
    kinds: tuple[str, ...]
    text: str
    params: dict = field(default_factory=dict)
    preflight: bool | None = None


# -- recognition ----------------------------------------------------------------------------


def _matches(patterns: list[P.Pattern], text: str) -> list[tuple[P.Pattern, re.Match[str]]]:
    return [(p, m) for p in patterns if (m := p.regex.match(text))]


def _union(hits: list[tuple[P.Pattern, re.Match[str]]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for p, _ in hits for k in p.kinds))


def _params(*matches: re.Match[str]) -> dict:
    out: dict = {}
    for m in matches:
        out.update({k: v for k, v in m.groupdict().items() if v is not None})
    return out


def _recognise(text: str) -> _Match | None:
    for head in P.CHROME_HEADS:
        m = head.match(text)
        if m is None:
            continue
        rest = m.group("rest")
        preflight: bool | None = False
        if rest.startswith(P.CHROME_PREFLIGHT_PREFIX):
            rest, preflight = rest[len(P.CHROME_PREFLIGHT_PREFIX) :], True
        hits = _matches(P.CHROME_REASONS, rest)
        if not hits:
            return _Match("chrome", ("unknown-reason",), text, _params(m) | {"rest": rest}, preflight)
        kinds = _union(hits)
        preflight = preflight or bool(hits[0][0].preflight) or kinds[0] in advice.PREFLIGHT_KINDS
        return _Match("chrome", kinds, text, _params(m, hits[0][1]), preflight)
    m = P.FIREFOX_SKELETON.match(text)
    if m is not None:
        hits = [(p, r) for p in P.FIREFOX_REASONS if (r := p.regex.match(m.group("reason")))]
        if hits:
            kinds = _union(hits)
            preflight = True if kinds[0] in advice.PREFLIGHT_KINDS else None
            return _Match("firefox", kinds, text, _params(m, hits[0][1]), preflight)
    for browser, patterns in (("chrome", P.CHROME_LINES), ("firefox", P.FIREFOX_LINES), ("safari", P.SAFARI_LINES)):
        hits = _matches(patterns, text)
        if hits:
            kinds = _union(hits)
            preflight = True if kinds[0] in advice.PREFLIGHT_KINDS else None
            return _Match(browser, kinds, text, _params(hits[0][1]), preflight)
    m = P.SAFARI_REDIRECT.match(text)
    if m is not None:
        hits = _matches(P.SAFARI_LINES, m.group("rest"))
        if hits:
            return _Match("safari", _union(hits), text, _params(m, hits[0][1]), False)
    m = P.SAFARI_LOAD.match(text)
    if m is not None:
        return _Match("safari", ("load" if m.group("access") else "load-other",), text, _params(m), None)
    return None


def _good(match: _Match | None) -> bool:
    """Recognised, and no URL or origin swallowed a line break turned into a space."""
    return (
        match is not None
        and match.kinds != ("unknown-reason",)
        and not any(" " in str(match.params.get(k, "")) for k in ("url", "initial", "origin"))
    )


def _spaces(match: _Match) -> int:
    return sum(str(match.params.get(k, "")).count(" ") for k in ("url", "initial", "origin", "hint", "value"))


def _recognise_unit(lines: list[Line]) -> _Match | None:
    """A message wrapped over several lines. A break at a space joins with a space; at any other
    break the line may have been cut inside a word: of the joins that are recognised, the one
    whose quoted values have the fewest spaces wins."""
    if len(lines) == 1:
        return _recognise(lines[0].text)
    open_breaks = [i for i, line in enumerate(lines[1:], 1) if not line.spaced][:_MAX_OPEN_BREAKS]
    best: _Match | None = None
    for choice in itertools.product((" ", ""), repeat=len(open_breaks)):
        seps = dict(zip(open_breaks, choice))
        match = _recognise(lines[0].text + "".join(seps.get(i, " ") + line.text for i, line in enumerate(lines[1:], 1)))
        if match is None:
            continue
        if best is None or (_good(match), -_spaces(match)) > (_good(best), -_spaces(best)):
            best = match
    return best


def _segment(lines: list[Line]) -> list[list[Line]]:
    """Group lines into messages: a line continues the previous one unless it starts a known message
    and the previous one is complete."""
    units: list[list[Line]] = []
    for line in lines:
        if units and not (line.text.startswith(P.MESSAGE_STARTS) and _complete(units[-1])):
            units[-1].append(line)
        else:
            units.append([line])
    return units


def _complete(unit: list[Line]) -> bool:
    return unit[-1].text.endswith((".", ")", '"', "'")) or _good(_recognise_unit(unit))


# -- explanation ----------------------------------------------------------------------------


def _status(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _resolve(match: _Match) -> tuple[str, tuple[str, ...]]:
    """The most likely kind, and the others the same text can mean."""
    kinds, params = match.kinds, match.params
    if set(kinds) >= {"invalid", "mismatch"} and match.browser == "firefox" and params.get("hint") is not None:
        failure = check_access((("Access-Control-Allow-Origin", params["hint"]),), params.get("origin", "\x00"), False)
        kind = failure.kind if failure is not None else "mismatch"
        return kind, ()
    if "status" in kinds and match.browser == "safari":  # Safari prints one text for both
        status = _status(params.get("status"))
        if status is not None:
            return ("redirect" if 300 <= status < 400 else "status"), ()
    return kinds[0], tuple(k for k in kinds[1:] if k != "invalid" or "mismatch" not in kinds)


def _check_args(
    match: _Match, kind: str, origin: str | None, method: str, net: NetLine | None
) -> tuple[CheckArgs | None, tuple[str, ...], str]:
    """The reproducing check, what had to be assumed for it, or why there is none."""
    # A scheme error after a redirect is reproducible from the first URL (redir-location-ftp).
    if kind in advice.NOT_CHECKABLE and not (kind == "scheme" and match.params.get("initial")):
        return None, (), "this happens inside the page, not on the wire: a check of the URL cannot reproduce it"
    url = match.params.get("initial") or match.params.get("url")
    if not url or not url.lower().startswith(("http://", "https://")):
        return None, (), "the message names no http(s) URL to check"
    assumptions: list[str] = []
    headers: list[tuple[str, str]] = []
    hint = match.params.get("hint") or ""
    if kind == "header" and hint:
        name = "-".join(part.capitalize() for part in hint.split("-"))
        headers.append((name, _HEADER_EXAMPLES.get(hint.lower(), "value")))
        assumptions.append(f"{name}: {headers[-1][1]} is an example value; use what your code sends")
    elif kind == "authorization-wildcard":
        headers.append(("Authorization", "Bearer TOKEN"))
    preflighted = match.preflight or kind in advice.PREFLIGHT_KINDS
    if preflighted and method in SAFELISTED_METHODS and not headers:
        headers.append(("Content-Type", "application/json"))
        assumptions.append(
            "a preflight means the request was not CORS-simple; Content-Type: application/json "
            "stands in for what made it so: use your code's method and headers"
        )
    if method == "GET" and net is None and kind not in ("method",):
        assumptions.append("the method is assumed to be GET")
    credentials = kind in ("wildcard", "credentials")
    if not origin:
        assumptions.append("the message does not name the page's origin: replace PAGE_ORIGIN, or pass --origin")
    simple = method in SAFELISTED_METHODS and not cors_unsafe_request_header_names(tuple(headers))
    needs_actual = method not in ("GET", "HEAD") and (match.preflight is False or simple)
    if needs_actual:
        assumptions.append(
            f"--actual sends the {method} itself (the failing reply is the request's own): the server may change data"
        )
    client = "xhr" if match.params.get("resource") == "XMLHttpRequest" else "fetch"
    return (
        CheckArgs(url, origin, method, tuple(headers), credentials, needs_actual, match.browser, client=client),
        tuple(assumptions),
        "",
    )


def _explain(match: _Match, net: list[NetLine], origin: str | None, method: str | None, count: int) -> Explanation:
    kind, also_kinds = _resolve(match)
    params = match.params
    url = params.get("url")
    initial = params.get("initial") or url
    companion = next((n for n in net if n.url and n.url in (url, initial)), None)
    page_origin = params.get("origin") or params.get("legacy_origin") or _origin_of_page(params.get("page")) or origin
    status = _status(params.get("status") or params.get("legacy_status")) or (companion.status if companion else None)
    hint = params.get("hint")
    if hint and match.browser == "chrome":
        hint = re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), hint)
    how = method or (companion.method if companion else None) or (hint if kind == "method" and hint else None) or "GET"
    facts = advice.Facts(kind, match.browser, page_origin, hint, status, match.preflight, url, params.get("space", ""))
    told = advice.advise(facts)
    check, assumptions, why_not = _check_args(match, kind, page_origin, how, companion)
    code = code_for(kind)
    also = tuple(dict.fromkeys(c for k in also_kinds if (c := code_for(k)) is not None and c != code))
    return Explanation(
        browser=match.browser,
        kind=kind,
        code=code,
        also=also,
        message=match.text,
        checked=told.checked,
        failed=told.failed,
        fix=told.fix,
        notes=told.notes,
        url=url,
        initial_url=initial if initial != url else None,
        origin=page_origin,
        method=how if (companion and companion.method) or kind == "method" or method else None,
        status=status,
        preflight=match.preflight,
        hint=hint,
        resource=params.get("resource"),
        count=count,
        check=check,
        assumptions=assumptions,
        no_check_reason=why_not,
    )


def _origin_of_page(page: str | None) -> str | None:
    if not page or "://" not in page:
        return None
    scheme, _, rest = page.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def _merge_safari(matches: list[_Match]) -> list[_Match]:
    """Safari prints the reason, then 'Fetch API cannot load URL ...': one message, two lines."""
    out: list[_Match] = []
    for match in matches:
        if (
            match.browser == "safari"
            and out
            and out[-1].browser == "safari"
            and out[-1].text.split("\n")[0] == match.text
        ):
            continue  # the same reason again, from Safari's "Failed to load resource:" line
        if match.kinds[0] == "load" and out and out[-1].browser == "safari" and out[-1].kinds[0] != "load":
            prev = out[-1]
            params = dict(prev.params)
            params.setdefault("url", match.params["url"])
            if params["url"] != match.params["url"]:
                params["initial"] = match.params["url"]
            out[-1] = replace(prev, params=params, text=f"{prev.text}\n{match.text}")
            continue
        if match.kinds[0] in ("load", "load-other"):
            match = replace(match, kinds=("unknown",) if match.kinds[0] == "load" else ("network",))
        out.append(match)
    return out


def closest_messages(text: str, limit: int = 3) -> tuple[tuple[str, str, float], ...]:
    """The known messages most similar to `text` (difflib ratio), best first."""
    words = text[:400].lower().split()
    scored = []
    for browser, example in P.known_examples():
        # compared word by word: similar wording matters, not shared letters
        matcher = difflib.SequenceMatcher(None, words, example.lower().split(), autojunk=False)
        scored.append((round(matcher.ratio(), 2), browser, example))
    scored.sort(key=lambda s: -s[0])
    return tuple((browser, example, ratio) for ratio, browser, example in scored[:limit])


def explain(text: str, *, origin: str | None = None, method: str | None = None) -> ExplainResult:
    """Explain every console message in `text` (one or many, as pasted)."""
    from cors_doctor.explain.cookies import split_cookie_lines

    cookie_hits, text = split_cookie_lines(text)
    lines, net, js = clean(text)
    matches: list[_Match] = []
    unknown: list[Unrecognised] = []
    for unit in _segment(lines):
        match = _recognise_unit(unit)
        if match is None or match.kinds == ("unknown-reason",):
            parts = [unit] if match is not None or len(unit) == 1 else [[line] for line in unit]
            for part in parts:
                single = match if len(parts) == 1 else _recognise(part[0].text)
                if single is not None and single.kinds != ("unknown-reason",):
                    matches.append(single)
                    continue
                note = ""
                if single is not None:
                    note = (
                        f"This is a Chrome CORS error with a reason cors-doctor does not know: "
                        f"{single.params.get('rest', '')!r}."
                    )
                unknown.append(Unrecognised(" ".join(line.text for line in part), note=note))
            continue
        matches.append(match)
    counted: dict[tuple, tuple[_Match, int]] = {}
    for match in _merge_safari(matches):
        key = (match.browser, match.kinds, match.text)
        counted[key] = (counted[key][0], counted[key][1] + 1) if key in counted else (match, 1)
    explained = [_cookie_explanation(hit, origin) for hit in cookie_hits]
    explained += [_explain(m, net, origin, method, n) for m, n in counted.values()]
    if not explained:
        explained = [
            _network_explanation(n, origin)
            for n in net
            if n.error in _NET_KINDS or (n.error.startswith("net::ERR_") and n.error not in _NET_NOT_EXPLAINED)
        ]
    if not explained:
        unknown += [Unrecognised(line, note=_GENERIC_NOTE) for line in dict.fromkeys(js)]
        if not unknown:
            unknown += [
                Unrecognised(n.text, note=_SERVER_STATUS_NOTE if n.status and not n.error else _ERR_FAILED_NOTE)
                for n in net
            ]
        unknown = [
            replace(u, closest=closest_messages(u.text)) if i < _MAX_CLOSEST_FOR else u for i, u in enumerate(unknown)
        ]
    return ExplainResult(tuple(explained), tuple(unknown))


def _cookie_explanation(hit, origin: str | None) -> Explanation:
    """A cookie message (cors_doctor/explain/cookies.py): the CD8xx rule `check --credentials` reports too."""
    what = {True: "Set-Cookie refused", False: "cookie not sent", None: "cookie refused"}[hit.sets]
    named = f" {hit.cookie}" if hit.cookie else ""
    return Explanation(
        browser=hit.browser,
        kind=f"cookie-{hit.kind}",
        code=hit.code,
        also=(),
        message=hit.text,
        checked=f"whether the browser stores the cookie{named} and sends it back ({what})",
        failed=hit.failed,
        fix=hit.fix,
        origin=origin,
        notes=(
            "CORS itself passed: the browser let script read the reply. Run `cors-doctor check URL --origin "
            "ORIGIN --credentials` on the request that sets the cookie to see every cookie judged, with the "
            "change for your framework.",
        ),
        no_check_reason="the message names no URL; run check on the request that sets the cookie",
    )


def _network_explanation(net: NetLine, origin: str | None) -> Explanation:
    """Only Chrome's net::ERR line was pasted, and it names a failure other than a CORS block."""
    kind = _NET_KINDS.get(net.error, "network")
    match = _Match("chrome", (kind,), net.text, {"url": net.url} if net.url else {})
    told = advice.advise(advice.Facts(kind, "chrome", origin, url=net.url))
    check, assumptions, why_not = _check_args(match, kind, origin, net.method or "GET", net)
    failed = told.failed
    if kind == "network":
        failed = f"Chrome reported {net.error}: the request failed below HTTP, before any CORS check."
    return Explanation(
        "chrome",
        kind,
        code_for(kind),
        (),
        net.text,
        told.checked,
        failed,
        told.fix,
        told.notes,
        url=net.url,
        origin=origin,
        method=net.method,
        check=check,
        assumptions=assumptions,
        no_check_reason=why_not,
    )


def framework_fix(e: Explanation, framework: str):
    """The `framework` configuration for a server-side failure, or None (client-side, or origin unknown)."""
    from cors_doctor import fixes
    from cors_doctor.errors import CorsDoctorError
    from cors_doctor.model import Verdict
    from cors_doctor.plan import build_plan, finding

    if e.kind not in advice.SERVER_KINDS or e.check is None or not e.origin or e.code is None:
        return None
    try:
        plan = build_plan(e.check.spec())
    except CorsDoctorError:
        return None
    codes = [e.code]
    if e.kind == "missing" and not e.preflight and (e.status or 0) >= 400:
        codes.append(Code.ERROR_REPLY_WITHOUT_CORS)
    found = tuple(finding(code, e.failed, e.fix, "explain") for code in codes)
    return fixes.suggest(Verdict(False, plan, (), (), found, e.message), framework)
