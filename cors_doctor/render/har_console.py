"""`cors-doctor har` for people: every cross-origin request with its verdict, blocked first, then a summary."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cors_doctor.har import Summary

if TYPE_CHECKING:
    from rich.console import Console

_BROWSER = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_LABEL = {"blocked": "[bold red]BLOCKED[/]", "not-judged": "[bold red]FAILED [/]", "allowed": "[green]ALLOWED[/]"}
_LIVE = {"blocked": "[bold red]BLOCKED[/]", "allowed": "[green]ALLOWED[/]", "error": "[yellow]ERROR[/]",
         "skipped": "[yellow]SKIPPED[/]"}


def _first_error(findings: list[dict]) -> dict | None:
    return next((f for f in findings if f["severity"] == "error"), None)


def _request(row: dict) -> str:
    from rich.markup import escape

    extra = []
    if row["credentials"]:
        extra.append("credentials")
    if row["redirects"]:
        extra.append(f"{row['redirects']} redirect{'s' if row['redirects'] > 1 else ''}")
    tail = f" [dim]({', '.join(extra)})[/]" if extra else ""
    return f"{escape(row['method'])} {escape(row['url'])}  [dim]from[/] {escape(row['origin'])}{tail}"


def _finding(lines: list[str], f: dict, indent: str) -> None:
    from rich.markup import escape

    lines.append(f"{indent}[bold]{f['code']}[/] {escape(f['message'])}")
    if f.get("fix"):
        lines.append(f"{indent}[dim]fix:[/] {escape(f['fix'])}")


def render_row(console: Console, row: dict, live: dict | None) -> None:
    """One request; printed in a single call, which keeps long listings fast."""
    from rich.markup import escape

    indent = " " * 9
    lines = [f"{_LABEL[row['verdict']]}  {_request(row)}"]
    if row["verdict"] == "allowed":
        warnings = [f["code"] for f in row["findings"] if f["severity"] == "warning"]
        if warnings:
            lines.append(f"{indent}[yellow]warnings: {', '.join(dict.fromkeys(warnings))}[/]")
        if row["note"]:
            lines.append(f"{indent}[dim]{escape(row['note'])}[/]")
        console.print("\n".join(lines), soft_wrap=True)
        return
    if row["verdict"] == "blocked":
        error = _first_error(row["findings"])
        if error is not None:
            _finding(lines, error, indent)
        source = "its recorded preflight" if row["preflight"] == "recorded" else "the recorded reply"
        lines.append(f"{indent}[dim]judged from {source}, nothing sent[/]")
        if row["note"]:
            lines.append(f"{indent}[dim]{escape(row['note'])}[/]")
    else:
        lines.append(f"{indent}[dim]not judged offline: {escape(row['note'] or 'no reply recorded')}[/]")
    if row["check"]:
        lines.append(f"{indent}[dim]reproduce:[/] {escape(row['check'])}")
    if live is not None:
        error = _first_error(live.get("findings") or [])
        lines.append(f"{indent}live: {_LIVE[live['verdict']]}" + (f" {error['code']}" if error else ""))
        if error is not None:
            _finding(lines, error, indent + "  ")
        if live.get("note"):
            lines.append(f"{indent}  [dim]{escape(live['note'])}[/]")
    console.print("\n".join(lines), soft_wrap=True)


def render(console: Console, name: str, rows: Iterable[dict], summary: Summary, live: dict[str, dict] | None,
           live_requested: bool) -> None:
    from rich.markup import escape

    source = f"{_BROWSER[summary.browser]}" + (f", written by {summary.creator}" if summary.creator else "")
    console.print(f"[bold]{escape(name)}[/] [dim]({escape(source)}: {summary.entries} entries)[/]\n")
    for row in rows:
        render_row(console, row, row["live"])
    if summary.cors_requests:
        console.print()
    s = summary
    console.print(f"[bold]Summary:[/] {s.cors_requests} cross-origin CORS request{'s' if s.cors_requests != 1 else ''}: "
                  f"[red]{s.blocked} blocked[/] (judged from the HAR), "
                  f"[red]{s.failed_in_browser} failed in the browser[/] without a recorded reply, "
                  f"[green]{s.allowed} allowed[/]"
                  + (f", {s.not_judged - s.failed_in_browser} unfinished" if s.not_judged > s.failed_in_browser else "")
                  + ".", soft_wrap=True)
    console.print(f"         [dim]Also {s.same_origin} same-origin, {s.no_cors} cross-origin without CORS "
                  f"(images, scripts, navigations), {s.other} other; {s.preflights} preflight entr"
                  f"{'y' if s.preflights == 1 else 'ies'}"
                  + (f", {s.preflights_unpaired} without their request" if s.preflights_unpaired else "") + ".[/]",
                  soft_wrap=True)
    if s.codes:
        codes = ", ".join(f"{code} ×{n}" for code, n in s.codes.most_common())
        console.print(f"         Blocked by: {codes}")
    if live is not None:
        counts: dict[str, int] = {}
        for result in live.values():
            counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        console.print("         Live checks: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items())))
    elif s.not_judged and not live_requested:
        console.print(f"         [bold]Run with --live[/] to diagnose the {s.not_judged} request"
                      f"{'s' if s.not_judged > 1 else ''} the HAR has no reply for (GET/HEAD and preflights only; "
                      "--actual for other methods).", soft_wrap=True)
