"""The fields on which cors-doctor must agree with Chromium, and how to diff them.

Both sides are reduced to the same flat dict:

    allowed          Chromium: fetch() resolved          CLI: JSON `allowed`
    preflight        an OPTIONS preflight reached us     CLI: JSON `preflight` is not null
    acrm             preflight's Access-Control-Request-Method   CLI: preflight.request_headers[...]
    acrh             preflight's Access-Control-Request-Headers  (None = header absent)
    exposed_headers  names page script could read        CLI: JSON `exposed_headers`
    browser_message  the "blocked by CORS policy" line   CLI: JSON `browser_message`
    exit_code        0 when allowed, 1 when blocked      CLI: process exit code
    requests         the requests that reached the server, one "KIND role path origin=..." line
                     each (KIND = "preflight" or the method as sent on the wire). On the CLI
                     side only requests from the page's origin (or `null`, or none) count:
                     requests with another Origin are cors-doctor's own diagnostic probes,
                     not traffic a browser would send for this page.
    later_preflight  for cases with follow-up requests (case.then): whether each follow-up sent
                     a preflight again. Browser: from the server log. CLI: a single check
                     answers for one request with a cold preflight cache, so this is derived
                     from its answer — a follow-up skips the preflight exactly when the first
                     preflight passed, the CLI's `preflight.cache_seconds` for the browser is
                     above 0, and the follow-up is no "more credentialed" than the first (the
                     cache is keyed by credentials mode: an entry made without credentials
                     does not serve a credentialed request).

The first six come from the JSON contract (docs/json-output.md); `requests` compares the CLI's
probe traffic with the browser's, as seen by the loopback server.
"""

from __future__ import annotations

from .model import Case

FIELDS = ("allowed", "preflight", "acrm", "acrh", "exposed_headers", "browser_message", "exit_code",
          "requests", "later_preflight")

# Fields of a recorded engine observation that must stay stable from one engine version to the next.
ENGINE_FIELDS = ("allowed", "preflight_sent", "acrm", "acrh", "exposed_headers",
                 "console_message", "trace", "later")

ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"


def from_chromium(record: dict) -> dict:
    """Comparable fields from a Chromium observation (fixture record or live, ports filled)."""
    return {
        "allowed": record["allowed"],
        "preflight": record["preflight_sent"],
        "acrm": record["acrm"],
        "acrh": record["acrh"],
        "exposed_headers": list(record["exposed_headers"]),
        "browser_message": record["console_message"],
        "exit_code": 0 if record["allowed"] else 1,
        "requests": trace(record["requests"]),
        "later_preflight": [step["preflight_sent"] for step in record.get("later", [])],
    }


def origin_of(request: dict) -> str | None:
    """The Origin header of a logged request (None when absent)."""
    return next((h.split(":", 1)[1].strip() for h in request["headers"]
                 if h.lower().startswith("origin:")), None)


def browser_traffic(requests: list[dict], page_origin: str) -> list[dict]:
    """Requests a browser on `page_origin` could have sent: Origin is the page, `null` or absent."""
    return [r for r in requests if origin_of(r) in (page_origin, "null", None)]


def later_preflights(case: Case, doc: dict) -> list[bool]:
    """Whether each follow-up of `case` sends a preflight again, from a single check's answer
    (see `later_preflight` above)."""
    preflight = doc.get("preflight")
    if preflight is None:
        return [False for _ in case.then]
    cached = bool(preflight.get("passed")) and (preflight.get("cache_seconds") or 0) > 0
    return [not cached or (follow.credentials and not case.credentials) for follow in case.then]


def from_cli(doc: dict | None, returncode: int | None, requests: list[dict],
             case: Case | None = None) -> dict:
    """Comparable fields from the CLI's --json document (doc None: the CLI gave no JSON) and
    the browser-equivalent requests its probe made (see browser_traffic)."""
    if doc is None:
        missing = "<no JSON output>"
        return {field: missing for field in FIELDS} | {"exit_code": returncode,
                                                       "requests": trace(requests)}
    preflight = doc.get("preflight")
    sent = (preflight or {}).get("request_headers") or {}
    return {
        "allowed": doc.get("allowed"),
        "preflight": preflight is not None,
        "acrm": sent.get(ACRM) if preflight is not None else None,
        "acrh": sent.get(ACRH) if preflight is not None else None,
        "exposed_headers": doc.get("exposed_headers"),
        "browser_message": doc.get("browser_message"),
        "exit_code": returncode,
        "requests": trace(requests),
        "later_preflight": later_preflights(case, doc) if case is not None else [],
    }


def trace(requests: list[dict]) -> list[str]:
    """The request sequence that reached the server, one line per request."""
    lines = []
    for r in requests:
        kind = "preflight" if r["preflight"] else r["method"]
        lines.append(f"{kind} {r['role']} {r['path']} origin={origin_of(r)}")
    return lines


def engine_summary(record: dict) -> dict:
    """The stable subset of an engine observation (placeholders, not ports)."""
    out = {k: record[k] for k in ENGINE_FIELDS if k != "trace"}
    out["trace"] = trace(record["requests"])
    out["later"] = [{"allowed": step["allowed"], "preflight_sent": step["preflight_sent"],
                     "trace": trace(step["requests"])} for step in record.get("later", [])]
    return out


def diff(expected: dict, actual: dict, fields=FIELDS) -> list[tuple[str, object, object]]:
    """[(field, expected, actual)] for every field that differs."""
    return [(f, expected.get(f), actual.get(f)) for f in fields if expected.get(f) != actual.get(f)]


def format_diff(case_id: str, diffs, left: str = "chromium", right: str = "cli") -> str:
    lines = [f"{case_id}: {len(diffs)} field(s) differ"]
    for field, a, b in diffs:
        lines.append(f"  {field}:\n    {left}: {a!r}\n    {right}: {b!r}")
    return "\n".join(lines)
