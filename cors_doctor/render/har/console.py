"""`cors-doctor har` for people: every cross-origin request with its verdict, blocked first, then a summary.

A HAR can hold a hundred thousand requests, so this writes plain lines (with ANSI colors on a
terminal) instead of going through rich, whose markup parsing would dominate the run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from cors_doctor.har import Summary, verdict_counts
from cors_doctor.render.escape import visible

_BROWSER = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "bold red": "1;31"}
_LABEL = {"blocked": ("BLOCKED", "bold red"), "not-judged": ("FAILED ", "bold red"), "allowed": ("ALLOWED", "green")}
_LIVE = {
    "blocked": ("BLOCKED", "bold red"),
    "allowed": ("ALLOWED", "green"),
    "error": ("ERROR", "yellow"),
    "skipped": ("SKIPPED", "yellow"),
}
_INDENT = " " * 9


class Painter:
    """Wraps text in ANSI styles, or leaves it plain."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if self.color and text else text


def _first_error(findings: list[dict]) -> dict | None:
    return next((f for f in findings if f["severity"] == "error"), None)


def _request(row: dict, paint: Painter) -> str:
    extra = []
    if row["credentials"]:
        extra.append("credentials")
    if row["redirects"]:
        extra.append(f"{row['redirects']} redirect{'s' if row['redirects'] > 1 else ''}")
    tail = paint(f" ({', '.join(extra)})", "dim") if extra else ""
    return f"{row['method']} {row['url']}  {paint('from', 'dim')} {row['origin']}{tail}"


def _finding(lines: list[str], f: dict, indent: str, paint: Painter) -> None:
    lines.append(f"{indent}{paint(f['code'], 'bold')} {f['message']}")
    if f.get("fix"):
        lines.append(f"{indent}{paint('fix:', 'dim')} {f['fix']}")


def shown(value: object) -> object:
    """A row from the HAR with every string in it made visible: the file is foreign data."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value


def row_lines(row: dict, paint: Painter) -> list[str]:
    """The lines for one request (`row["live"]` holds its live result, if any); `row` is foreign
    text, so everything in it is made visible before it is painted."""
    row = shown(row)  # type: ignore[assignment]
    label, style = _LABEL[row["verdict"]]
    lines = [f"{paint(label, style)}  {_request(row, paint)}"]
    if row["verdict"] == "allowed":
        warnings = [f["code"] for f in row["findings"] if f["severity"] == "warning"]
        if warnings:
            lines.append(_INDENT + paint(f"warnings: {', '.join(dict.fromkeys(warnings))}", "yellow"))
        if row["note"]:
            lines.append(_INDENT + paint(row["note"], "dim"))
        return lines
    if row["verdict"] == "blocked":
        error = _first_error(row["findings"])
        if error is not None:
            _finding(lines, error, _INDENT, paint)
        source = "its recorded preflight" if row["preflight"] == "recorded" else "the recorded reply"
        lines.append(_INDENT + paint(f"judged from {source}, nothing sent", "dim"))
        if row["note"]:
            lines.append(_INDENT + paint(row["note"], "dim"))
    else:
        lines.append(_INDENT + paint(f"not judged offline: {row['note'] or 'no reply recorded'}", "dim"))
    if row["check"]:
        lines.append(f"{_INDENT}{paint('reproduce:', 'dim')} {row['check']}")
    live = row.get("live")
    if isinstance(live, dict):
        label, style = _LIVE[live["verdict"]]
        error = _first_error(live.get("findings") or [])
        lines.append(f"{_INDENT}live: {paint(label, style)}" + (f" {error['code']}" if error else ""))
        if error is not None:
            _finding(lines, error, _INDENT + "  ", paint)
        if live.get("note"):
            lines.append(_INDENT + "  " + paint(live["note"], "dim"))
    return lines


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def summary_lines(summary: Summary, live: dict[str, dict] | None, live_requested: bool, paint: Painter) -> list[str]:
    s = summary
    unfinished = s.not_judged - s.failed_in_browser
    lines = [
        f"{paint('Summary:', 'bold')} {_plural(s.cors_requests, 'cross-origin CORS request')}: "
        f"{paint(f'{s.blocked} blocked', 'red')} (judged from the HAR), "
        f"{paint(f'{s.failed_in_browser} failed in the browser', 'red')} without a recorded reply, "
        f"{paint(f'{s.allowed} allowed', 'green')}" + (f", {unfinished} unfinished" if unfinished else "") + ".",
        _INDENT
        + paint(
            f"Also {s.same_origin} same-origin, {s.no_cors} cross-origin without CORS (images, scripts, "
            f"navigations), {s.other} other; {_plural(s.preflights, 'preflight entry', 'preflight entries')}"
            + (f", {s.preflights_unpaired} without their request" if s.preflights_unpaired else "")
            + ".",
            "dim",
        ),
    ]
    if s.codes:
        lines.append(_INDENT + "Blocked by: " + ", ".join(f"{visible(code)} ×{n}" for code, n in s.codes.most_common()))
    if live is not None:
        counts = verdict_counts(live)
        lines.append(_INDENT + "Live checks: " + (", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "none"))
    elif s.not_judged and not live_requested:
        lines.append(
            _INDENT + paint("Run with --live", "bold") + f" to diagnose the {_plural(s.not_judged, 'request')} "
            "the HAR has no reply for (GET/HEAD and preflights only; --actual for other methods)."
        )
    return lines


def render(
    out: TextIO,
    name: str,
    rows: Iterable[dict],
    summary: Summary,
    live: dict[str, dict] | None,
    live_requested: bool,
    color: bool,
) -> None:
    paint = Painter(color)
    source = _BROWSER[summary.browser] + (f", written by {visible(summary.creator)}" if summary.creator else "")
    out.write(f"{paint(visible(name), 'bold')} {paint(f'({source}: {summary.entries} entries)', 'dim')}\n\n")
    for row in rows:
        out.write("\n".join(row_lines(row, paint)) + "\n")
    if summary.cors_requests:
        out.write("\n")
    out.write("\n".join(summary_lines(summary, live, live_requested, paint)) + "\n")
