"""The fields on which cors-doctor must agree with a browser engine, and how to diff them.

Both sides are reduced to the same flat dict. What was *sent* always comes from the loopback
server's own log (server.py), for the engine and for the CLI alike — never from the CLI's JSON —
so a request the CLI sends on its own, or a header it adds, shows up as a difference:

    allowed          engine: fetch() resolved             CLI: JSON `allowed`
    preflight        a CORS preflight reached the server  (server log, both sides)
    acrm             the first preflight's Access-Control-Request-Method, byte for byte
    acrh             the first preflight's Access-Control-Request-Headers, byte for byte
                     (None = header absent)
    exposed_headers  names page script could read         CLI: JSON `exposed_headers`
    browser_message  the console line explaining a block  CLI: JSON `browser_message`
    exit_code        0 when allowed, 1 when blocked       CLI: process exit code
    requests         every request that reached the server, in order, one line each (see wire())
    later_preflight  for cases with follow-up requests (case.then): whether each follow-up sent
                     a preflight again. Engine: from the server log. CLI: a single check
                     answers for one request with a cold preflight cache, so this is derived
                     from its answer — a follow-up skips the preflight exactly when the first
                     preflight passed, the CLI's `preflight.cache_seconds` for the browser is
                     above 0, and the follow-up is no "more credentialed" than the first (the
                     cache is keyed by credentials mode: an entry made without credentials
                     does not serve a credentialed request).

Which request headers are compared (wire()): every header is compared — name case-insensitively,
value byte for byte, every line, order of lines with the same name kept — except those in
BROWSER_ONLY, which a browser adds from its own state and which cors-doctor cannot know or need
not imitate. Decisions, header by header:

  must match, byte for byte
    Origin                          the CORS request header; the whole point of the comparison.
    Access-Control-Request-Method   what the server's preflight decision is made on.
    Access-Control-Request-Headers  ditto; its order, case and separators are part of the answer.
    headers the page script set     whether the engine sent them at all (forbidden names are
                                    dropped) and their exact value.
    Content-Type                    derived from the body; decides whether a preflight is needed.
    Accept                          fetch()'s default `*/*`; a safelisted header that the server
                                    may vary on.
    anything not listed below       an unknown header is a difference until it is classified.
  must match, presence only
    Cookie                          its value comes from each client's cookie jar; whether one
                                    is sent (credentials mode, preflight never) is CORS behaviour.
  browser-only (BROWSER_ONLY: not compared)
    Host                            carries the random port; the request's role says which origin.
    User-Agent, sec-ch-ua*          identify the browser (Chromium adds UA client hints).
    Accept-Language, Accept-Encoding  locale and decoders of the browser, not CORS inputs.
    Sec-Fetch-*                     fetch metadata; no engine-neutral value and no CORS input.
    Referer                         referrer policy, not CORS.
    Connection, Keep-Alive, TE, Priority   transport and prioritisation of the browser's stack.
    Content-Length, Transfer-Encoding      framing; the body bytes are compared instead.
    Pragma, Cache-Control           cache mode of the browser, not set by these cases' script.
    DNT, Sec-GPC                    privacy settings of the browser profile.
  A header the page script set is compared even when its name is browser-only (for example a
  script-set User-Agent): the line then says whether the script's value reached the server.
Also compared: how many requests, their kind (preflight or the method as sent on the wire), the
origin (role) and path each went to, their order, and each request's body.
"""

from __future__ import annotations

from .model import Case

FIELDS = (
    "allowed",
    "preflight",
    "acrm",
    "acrh",
    "exposed_headers",
    "browser_message",
    "exit_code",
    "requests",
    "later_preflight",
)

# Fields of a recorded engine observation that must stay stable from one engine version to the next.
ENGINE_FIELDS = ("allowed", "preflight_sent", "acrm", "acrh", "exposed_headers", "console_message", "requests", "later")

# Stands for "the engine blocked and printed no console line": there is no message to compare.
NO_MESSAGE = "<the engine printed no console message>"
ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"

# Where cors-doctor knowingly does not follow an engine: (engine, case id) -> why. The tests mark
# these xfail(strict=True), so a fix shows up as an unexpected pass; DISAGREEMENTS.md lists them.
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {
    # Not followed yet (found when the new cases met the merged CLI; see DISAGREEMENTS.md).
    (
        "firefox",
        "cache-xhr-x-print",
    ): "Firefox served the XMLHttpRequest's second GET from the preflight cache with no Access-Control-Max-Age; cors-doctor's Firefox model (no default lifetime) predicts a new preflight",
    (
        "firefox",
        "wpt-pf-status-103",
    ): "Firefox reads the 103's headers and the ACAO of the missing final reply as two lines ('Multiple CORS header'); cors-doctor reports a network error",
    (
        "webkit",
        "line-location-twice",
    ): "WebKitGTK follows the two Location values joined with ', '; cors-doctor refuses the reply as Chromium does",
    (
        "webkit",
        "line-preflight-nul",
    ): "WebKitGTK words the refused preflight 'Could not parse HTTP response'; cors-doctor prints its generic line",
    (
        "webkit",
        "wpt-pf-status-103",
    ): "WebKitGTK words it 'Connection terminated unexpectedly'; cors-doctor prints its generic line",
    ("firefox", "acao-space-before-colon"): (
        "Firefox ignores a `Name : value` response header line; cors-doctor's HTTP parser trims the "
        "name the way Chromium does before any per-browser rule sees the headers"
    ),
    ("webkit", "acao-space-before-colon"): (
        "WebKit ignores a `Name : value` response header line; cors-doctor's HTTP parser trims the "
        "name the way Chromium does before any per-browser rule sees the headers"
    ),
    **{
        (engine, "line-tab-before-colon"): (
            f"{engine.capitalize()} ignores a `Name<TAB>: value` response header line; cors-doctor's HTTP "
            "parser trims the name the way Chromium does before any per-browser rule sees the headers"
        )
        for engine in ("firefox", "webkit")
    },
    ("firefox", "line-acac-and-empty-line"): (
        "Firefox accepts `Access-Control-Allow-Credentials: true` followed by an empty line of the "
        "same header; cors-doctor combines the lines into `true, ` as Chromium and WebKit do"
    ),
    **{
        ("webkit", cid): (
            "WebKit reads a reply with two different Content-Length or Content-Disposition lines; "
            "cors-doctor's network layer refuses it for every --browser, as Chromium does"
        )
        for cid in ("line-content-length-conflict", "line-content-disposition-twice")
    },
    ("webkit", "hdr-accept-language-latin1"): (
        "WebKit sends a script-set Latin-1 byte as UTF-8 on the wire (`fr-Ã§`); cors-doctor sends "
        "the byte itself, as Chromium and Firefox do"
    ),
    ("firefox", "redir-location-tab"): (
        "Firefox keeps a tab inside a Location as %09 instead of removing it as the URL Standard "
        "says; cors-doctor parses Location by the URL Standard, as Chromium and WebKit do"
    ),
    ("firefox", "redir-location-empty"): (
        "Firefox follows an empty Location back to the same URL until it gives up after 20 "
        "redirects; cors-doctor takes the 3xx as the response, as Chromium does"
    ),
    ("webkit", "redir-location-empty"): (
        "WebKit fails the load on an empty Location, printing nothing; cors-doctor takes the 3xx "
        "as the response, as Chromium does"
    ),
}

BROWSER_ONLY = frozenset(
    name.lower()
    for name in (
        "Host",
        "User-Agent",
        "sec-ch-ua",
        "sec-ch-ua-mobile",
        "sec-ch-ua-platform",
        "Accept-Language",
        "Accept-Encoding",
        "Sec-Fetch-Site",
        "Sec-Fetch-Mode",
        "Sec-Fetch-Dest",
        "Sec-Fetch-User",
        "Sec-Fetch-Storage-Access",
        "Referer",
        "Connection",
        "Keep-Alive",
        "TE",
        "Priority",
        "Content-Length",
        "Transfer-Encoding",
        "Pragma",
        "Cache-Control",
        "DNT",
        "Sec-GPC",
    )
)
PRESENCE_ONLY = frozenset({"cookie"})


def _pairs(request: dict) -> list[tuple[str, str]]:
    return [(n.strip(), v.strip()) for n, _, v in (h.partition(":") for h in request["headers"])]


def header_of(request: dict, name: str) -> str | None:
    """Combined value of a logged request's lines named `name` (None when absent)."""
    values = [v for n, v in _pairs(request) if n.lower() == name.lower()]
    return ", ".join(values) if values else None


def origin_of(request: dict) -> str | None:
    """The Origin header of a logged request (None when absent)."""
    return header_of(request, "Origin")


def foreign_requests(requests: list[dict], page_origin: str) -> list[dict]:
    """Requests from another origin: an Origin neither the page's nor `null`. A request without
    Origin is the page's too (a no-cors GET carries none, nocors-*); whether one was due is
    compared line by line in wire()."""
    return [r for r in requests if origin_of(r) not in (page_origin, "null", None)]


def wire(requests: list[dict], case: Case) -> list[str]:
    """The compared part of each request that reached the server, one line per request."""
    script = {name.lower(): value for name, value in case.headers}
    lines = []
    for r in requests:
        kind = "preflight" if r["preflight"] else r["method"]
        parts = [f"{kind} {r['role']} {r['path']}"]
        seen = _pairs(r)
        for name, value in sorted(seen, key=lambda pair: pair[0].lower()):
            key = name.lower()
            if key in PRESENCE_ONLY:
                parts.append(f"{key}: <present>")
            elif key in BROWSER_ONLY:
                if key in script and not r["preflight"]:
                    sent = "script's value" if value == script[key] else "browser's own value"
                    parts.append(f"{key}: <{sent}>")
            else:
                parts.append(f"{key}: {value}")
        if r.get("body"):
            parts.append(f"body={r['body']!r}")
        lines.append(" | ".join(parts))
    return lines


def later_preflights(case: Case, doc: dict, browser: str = "chrome") -> list[bool]:
    """Whether each follow-up of `case` sends a preflight again, from a single check's answer
    (see `later_preflight` above). Firefox keys its cache by credentials mode both ways: an entry
    made with credentials does not serve a request without them either (cache-plain-after-cred)."""
    preflight = doc.get("preflight")
    if preflight is None:
        return [False for _ in case.then]
    cached = bool(preflight.get("passed")) and (preflight.get("cache_seconds") or 0) > 0
    if browser == "firefox":
        return [not cached or follow.credentials != case.credentials for follow in case.then]
    return [not cached or (follow.credentials and not case.credentials) for follow in case.then]


def preflight_fields(requests: list[dict]) -> dict:
    """preflight / acrm / acrh from the first preflight in a server log."""
    first = next((r for r in requests if r["preflight"]), None)
    return {
        "preflight": first is not None,
        "acrm": header_of(first, ACRM) if first else None,
        "acrh": header_of(first, ACRH) if first else None,
    }


def from_engine(record: dict, case: Case) -> dict:
    """Comparable fields from an engine observation (fixture record or live, ports filled)."""
    return {
        "allowed": record["allowed"],
        **preflight_fields(record["requests"]),
        "exposed_headers": list(record["exposed_headers"]),
        # A block the engine printed nothing for (it happens in WebKit) leaves nothing to compare.
        "browser_message": (
            NO_MESSAGE if not record["allowed"] and record["console_message"] is None else record["console_message"]
        ),
        "exit_code": 0 if record["allowed"] else 1,
        "requests": wire(record["requests"], case),
        "later_preflight": [step["preflight_sent"] for step in record.get("later", [])],
    }


def from_cli(
    doc: dict | None, returncode: int | None, requests: list[dict], case: Case, browser: str = "chrome"
) -> dict:
    """Comparable fields from the CLI's --json document (None: the CLI gave no JSON), its exit
    code and every request the server logged while it ran."""
    sent = {**preflight_fields(requests), "exit_code": returncode, "requests": wire(requests, case)}
    if doc is None:
        missing = "<no JSON output>"
        return dict.fromkeys(FIELDS, missing) | sent
    return {
        "allowed": doc.get("allowed"),
        "exposed_headers": doc.get("exposed_headers"),
        "browser_message": doc.get("browser_message"),
        "later_preflight": later_preflights(case, doc, browser),
        **sent,
    }


def engine_summary(record: dict, case: Case) -> dict:
    """The stable subset of an engine observation (placeholders, not ports)."""
    out = {k: record[k] for k in ENGINE_FIELDS if k not in ("requests", "later")}
    out["requests"] = wire(record["requests"], case)
    out["later"] = [
        {"allowed": step["allowed"], "preflight_sent": step["preflight_sent"], "requests": wire(step["requests"], case)}
        for step in record.get("later", [])
    ]
    return out


def diff(expected: dict, actual: dict, fields=FIELDS) -> list[tuple[str, object, object]]:
    """[(field, expected, actual)] for every field that differs (NO_MESSAGE matches anything)."""
    return [
        (f, expected.get(f), actual.get(f))
        for f in fields
        if expected.get(f) is not NO_MESSAGE and expected.get(f) != actual.get(f)
    ]


def format_diff(case_id: str, diffs, left: str = "engine", right: str = "cli") -> str:
    lines = [f"{case_id}: {len(diffs)} field(s) differ"]
    for field, a, b in diffs:
        if field == "requests" and isinstance(a, list) and isinstance(b, list):
            lines.append(f"  {field}:")
            lines += [f"    {left}: {x}" for x in a] + [f"    {right}: {x}" for x in b]
        else:
            lines.append(f"  {field}:\n    {left}: {a!r}\n    {right}: {b!r}")
    return "\n".join(lines)
