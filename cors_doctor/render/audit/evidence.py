"""The proof behind an audit finding, as text: request/reply lines and a curl line to repeat it.

Shared by the console and JSON renderers of `cors-doctor audit`; secrets are masked here.
"""

from __future__ import annotations

import shlex

from cors_doctor.audit.model import AUDIT_HEADER_NAMES, ProbeOutcome
from cors_doctor.render import mask_value

# Request and reply headers worth showing; the rest is noise for a reviewer.
_REQUEST_SHOWN = frozenset({"origin", "access-control-request-method", "access-control-request-private-network"})
_REPLY_SHOWN = frozenset(
    {"vary", "location", "strict-transport-security", "cache-control", "age", "x-cache", "cf-cache-status", "via"}
)


def _shown_request_headers(outcome: ProbeOutcome, show_secrets: bool) -> list[tuple[str, str]]:
    """Origin and the Access-Control-Request-* lines, plus whatever the user added (--header, --cookie)."""
    out = []
    for name, value in outcome.probe.headers:
        lname = name.lower()
        if lname in _REQUEST_SHOWN or lname not in AUDIT_HEADER_NAMES:
            out.append((name, value if show_secrets else mask_value(name, value)))
    return out


def evidence_lines(outcome: ProbeOutcome, show_secrets: bool = False) -> list[str]:
    """`> ` lines were sent, `< ` lines came back; only the CORS-relevant headers."""
    probe = outcome.probe
    lines = [f"> {probe.method} {probe.url}"]
    lines += [f"> {name}: {value}" for name, value in _shown_request_headers(outcome, show_secrets)]
    if outcome.response is None:
        lines.append(f"< (no reply: {outcome.error})")
        return lines
    resp = outcome.response
    lines.append(f"< {resp.http_version} {resp.status} {resp.reason}".rstrip())
    cors_lines = 0
    for name, value in resp.headers:
        lname = name.lower()
        if lname.startswith("access-control-") or lname in _REPLY_SHOWN:
            lines.append(f"< {name}: {value if show_secrets else mask_value(name, value)}")
            cors_lines += lname.startswith("access-control-")
    if not cors_lines:
        lines.append("< (no Access-Control-* headers)")
    return lines


def curl_command(outcome: ProbeOutcome, show_secrets: bool = False) -> str:
    """A curl line that repeats the request, so a reviewer can confirm the finding by hand."""
    parts = ["curl", "-si"]
    if outcome.probe.method != "GET":
        parts += ["-X", outcome.probe.method]
    for name, value in _shown_request_headers(outcome, show_secrets):
        parts += ["-H", f"{name}: {value}"]
    parts.append(outcome.probe.url)
    return " ".join(shlex.quote(p) for p in parts)
