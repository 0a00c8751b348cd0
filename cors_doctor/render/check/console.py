"""The human verdict: the browser's steps, the console message, findings and the fix (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.fixes import FixSuggestion
from cors_doctor.model import Exchange, Verdict
from cors_doctor.render import mask_headers

if TYPE_CHECKING:
    from rich.console import Console

    from cors_doctor.diagnosis.fingerprint import FrameworkGuess

_BROWSER_NAMES = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _exchange(console: Console, ex: Exchange, show_secrets: bool) -> None:
    from cors_doctor.render.escape import markup as escape

    req = ex.request
    console.print(f"  [bold]> {req.method} {escape(req.url)}[/]  [dim]({req.kind})[/]")
    for name, value in mask_headers(req.headers, show_secrets):
        console.print(f"  [dim]> {escape(name)}: {escape(value)}[/]")
    if ex.response is None:
        console.print(f"  [red]< network error: {escape(ex.network_error or '')}[/]")
        return
    resp = ex.response
    console.print(f"  [bold]< {resp.http_version} {resp.status} {escape(resp.reason)}[/]")
    for name, value in mask_headers(resp.headers, show_secrets):
        style = "green" if name.lower().startswith("access-control-") else "dim"
        console.print(f"  [{style}]< {escape(name)}: {escape(value)}[/]")
    if resp.body_excerpt.strip():
        excerpt = resp.body_excerpt.strip().splitlines()[0][:200]
        console.print(f"  [dim]< (body) {escape(excerpt)}[/]")
    console.print()


def render(
    console: Console,
    verdict: Verdict,
    fix: FixSuggestion | None,
    *,
    verbose: bool = False,
    show_secrets: bool = False,
    framework: FrameworkGuess | None = None,
) -> None:
    from cors_doctor.render.escape import markup as escape

    plan = verdict.plan
    browser = _BROWSER_NAMES[plan.spec.browser]
    creds = ", credentials: include" if plan.spec.credentials else ""
    console.print(
        f"[bold]{escape(plan.method)}[/] {escape(plan.url)}  [dim]from[/] {escape(plan.origin)}  [dim]({browser}{creds})[/]"
    )
    if plan.same_origin:
        console.print("  [dim]same-origin request: CORS does not apply[/]")
    elif plan.preflight_required:
        console.print("  [bold]Preflight needed:[/]")
        for reason in plan.preflight_reasons:
            console.print(f"    • {escape(reason)}")
    else:
        console.print("  No preflight: the method and headers are CORS-safelisted.")
    if plan.dropped_headers:
        console.print(f"  [yellow]Not sent (forbidden for page script): {escape(', '.join(plan.dropped_headers))}[/]")
    console.print()

    for step in verdict.steps:
        mark = {True: "[green]✔[/]", False: "[red]✘[/]", None: "[blue]•[/]"}[step.passed]
        seen = f"  [dim]seen:[/] {escape(step.seen)}" if step.seen else ""
        detail = f"  [dim]{escape(step.detail)}[/]" if step.detail else ""
        console.print(f"  {mark} {escape(step.name)}{detail}{seen}")
    console.print()

    if verdict.allowed and verdict.unverified:
        console.print(f"[bold yellow]NOT VERIFIED[/] — the preflight passes, but {browser} judges the actual reply "
                      "too, and it was not sent: rerun with --actual to verify.")
    elif verdict.allowed:
        console.print(f"[bold green]ALLOWED[/] — {browser} lets page script read this response.")
    if verdict.allowed and verdict.exposed_headers:
        console.print(f"  Readable response headers: {escape(', '.join(verdict.exposed_headers))}")
    if not verdict.allowed:
        console.print(f"[bold red]BLOCKED[/] — {browser} refuses this request.")
    if verdict.browser_message:
        console.print(f"\n[bold]{browser} console:[/]")
        console.print(f"[red]{escape(verdict.browser_message)}[/]", soft_wrap=True)
    if verdict.unverified:
        console.print("\n[bold]Not verified[/] (the actual request was not sent; pass --actual):")
        for item in verdict.unverified:
            console.print(f"  • {escape(item)}")

    if verdict.findings:
        console.print("\n[bold]Findings[/]")
        for f in verdict.findings:
            style = _SEVERITY_STYLE[f.severity]
            console.print(f"  [{style}]{f.code} {f.severity}[/] {escape(f.message)}")
            if f.fix:
                console.print(f"        [dim]fix:[/] {escape(f.fix)}")
            console.print(f"        [dim]docs: {f.docs}[/]")

    if framework is not None and framework.guessed and fix is not None:
        console.print(f"\n[bold]Framework:[/] {escape(framework.title)} [dim](guessed; --framework NAME to choose)[/]")
        for item in framework.evidence:
            console.print(f"  [dim]•[/] {escape(item)}")

    if fix is not None:
        console.print(f"\n[bold]Fix for {escape(fix.title)}[/]")
        for placement, text in [(p.placement, p.text) for p in fix.parts] or [("", fix.snippet)]:
            if placement:
                console.print(f"  [dim]{escape(placement)}:[/]")
            for line in text.splitlines():
                console.print(f"    [green]{escape(line)}[/]", soft_wrap=True)
        for note in fix.notes:
            console.print(f"  [dim]•[/] {escape(note)}")

    if verbose and verdict.exchanges:
        console.print("\n[bold]Exchanges[/]")
        for ex in verdict.exchanges:
            _exchange(console, ex, show_secrets)
