"""The human report of `cors-doctor audit`: findings per URL, worst first, with their proof (rich)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cors_doctor.audit.model import SEVERITIES, AuditFinding, AuditResult, severity_rank
from cors_doctor.render.audit.evidence import curl_command, evidence_lines

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {"high": "bold white on red", "medium": "bold red", "low": "yellow", "info": "cyan"}


def _trusted_line(result: AuditResult) -> str:
    parts = []
    for t in result.trusted:
        if t.allowed is None:
            state = "not asked"
        elif t.allowed:
            state = "allowed with credentials" if t.credentials else "allowed"
        else:
            state = "not allowed"
        derived = ", derived" if t.source == "derived" else ""
        parts.append(f"{t.origin} ({state}{derived})")
    return "; ".join(parts)


def _finding(console: Console, f: AuditFinding, verbose: bool, show_secrets: bool) -> None:
    from cors_doctor.render.escape import markup as escape

    label = f.severity.upper().ljust(6)
    console.print(f"  [{SEVERITY_STYLE[f.severity]}]{label}[/] [bold]{f.code}[/] {escape(f.title)}")
    console.print(f"         {escape(f.message)}", soft_wrap=True)
    if f.severity != "info" or verbose:
        for outcome in f.evidence:
            for line in evidence_lines(outcome, show_secrets):
                style = "green" if line.lower().startswith("< access-control-") else "dim"
                console.print(f"           [{style}]{escape(line)}[/]", soft_wrap=True)
        console.print(f"         [dim]impact:[/] {escape(f.impact)}", soft_wrap=True)
    console.print(f"         [dim]fix:[/] {escape(f.fix)}", soft_wrap=True)
    if f.severity in ("high", "medium") or verbose:
        console.print(
            f"         [dim]reproduce:[/] {escape(curl_command(f.evidence[0], show_secrets))}", soft_wrap=True
        )
    console.print(f"         [dim]docs: {f.docs}[/]")


def _probes(console: Console, result: AuditResult) -> None:
    from cors_doctor.render.escape import markup as escape

    console.print("  [bold]Probes[/]")
    for o in result.outcomes:
        kind = o.probe.crafted.kind if o.probe.crafted else o.probe.purpose
        sent = o.probe.origin if o.probe.origin is not None else "(no Origin)"
        if o.response is None:
            got = f"[red]{escape(o.error or '')}[/]"
        else:
            acao = o.allow_origin if o.allow_origin is not None else "-"
            acac = " +credentials" if o.allows_credentials else ""
            mark = "[red]✔[/]" if o.accepted and o.probe.purpose == "crafted" else " "
            got = f"{o.response.status} {mark} {escape(acao)}{acac}"
        console.print(f"    {o.probe.method:<7} {kind:<15} {escape(sent):<50} {got}", soft_wrap=True)


def render_result(console: Console, result: AuditResult, *, verbose: bool = False, show_secrets: bool = False) -> None:
    """One URL: its trusted origins, findings worst first, notes; an unreachable URL in one line."""
    from cors_doctor.render.escape import markup as escape

    console.print(f"[bold]AUDIT[/] {escape(result.url)}")
    if result.error is not None:
        console.print(f"  [bold red]not audited:[/] {escape(result.error)}")
        console.print()
        return
    console.print(f"  [dim]status {result.status} · trusted:[/] {escape(_trusted_line(result))}", soft_wrap=True)
    if not result.findings:
        console.print("  [green]No finding.[/]")
    for f in result.findings:
        _finding(console, f, verbose, show_secrets)
    for note in result.notes:
        console.print(f"  [dim]note: {escape(note)}[/]", soft_wrap=True)
    counts = " · ".join(f"{result.count(s)} {s}" for s in SEVERITIES)
    console.print(f"  [dim]{result.requests_sent} requests · {counts}[/]")
    if verbose:
        _probes(console, result)
    console.print()


def render_summary(console: Console, results: Sequence[AuditResult], fail_on: str, code: int) -> None:
    """The last line: totals over all URLs and what the exit code means."""
    audited = [r for r in results if r.error is None]
    failed = len(results) - len(audited)
    totals = {s: sum(r.count(s) for r in audited) for s in SEVERITIES}
    parts = [f"{len(audited)} URL{'s' if len(audited) != 1 else ''} audited"]
    parts += [f"[{SEVERITY_STYLE[s]}]{totals[s]} {s}[/]" if totals[s] else f"{totals[s]} {s}" for s in SEVERITIES]
    if failed:
        parts.append(f"[bold red]{failed} not audited[/]")
    console.print("[bold]Summary:[/] " + " · ".join(parts))
    if code == 1:
        worst = max((f.severity for r in audited for f in r.findings), key=severity_rank)
        console.print(f"[bold red]FAIL[/] — a {worst} finding (--fail-on {fail_on}).")
    elif code == 2:
        console.print("[bold red]INCOMPLETE[/] — some URLs could not be audited.")
    elif fail_on == "none":
        console.print("[bold green]PASS[/] — --fail-on none: findings never fail the run.")
    else:
        console.print(f"[bold green]PASS[/] — nothing at or above --fail-on {fail_on}.")
