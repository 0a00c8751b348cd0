"""The human verdict: the browser's steps, the console message, findings and the fix (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.fixes import FixSuggestion
from cors_doctor.masking import mask_echoes, secret_values
from cors_doctor.model import Exchange, Plan, Verdict
from cors_doctor.render import mask_headers
from cors_doctor.render.escape import markup as escape

if TYPE_CHECKING:
    from rich.console import Console

    from cors_doctor.cookies import CookieReport
    from cors_doctor.diagnosis.fingerprint import FrameworkGuess

_BROWSER_NAMES = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _exchange(console: Console, ex: Exchange, show_secrets: bool) -> None:
    req = ex.request
    console.print(f"  [bold]> {req.method} {escape(req.url)}[/]  [dim]({req.kind})[/]")
    for name, value in mask_headers(req.headers, show_secrets):
        console.print(f"  [dim]> {escape(name)}: {escape(value)}[/]")
    if ex.response is None:
        console.print(f"  [red]< network error: {escape(ex.network_error or '')}[/]")
        return
    resp = ex.response
    console.print(f"  [bold]< {resp.http_version} {resp.status} {escape(resp.reason)}[/]")
    secrets = () if show_secrets else secret_values(req.headers)
    for name, value in mask_headers(resp.headers, show_secrets):
        style = "green" if name.lower().startswith("access-control-") else "dim"
        console.print(f"  [{style}]< {escape(name)}: {escape(mask_echoes(value, secrets))}[/]")
    if resp.body_excerpt.strip():
        excerpt = mask_echoes(resp.body_excerpt.strip(), secrets).splitlines()[0][:200]
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
    cookies: CookieReport | None = None,
    cookie_fix: FixSuggestion | None = None,
) -> None:
    """The whole verdict, top to bottom: the request, the browser's steps, the outcome and its
    console message, findings, the framework and the fix, and with -v the raw exchanges."""
    browser = _BROWSER_NAMES[verdict.plan.spec.browser]
    _request(console, verdict.plan, browser)
    _steps(console, verdict)
    _outcome(console, verdict, browser)
    _findings(console, verdict)
    _fix(console, fix, framework)
    if cookies is not None:
        from cors_doctor.render.check.cookies import render_console

        render_console(console, cookies, cookie_fix)
    if verbose and verdict.exchanges:
        console.print("\n[bold]Exchanges[/]")
        for ex in verdict.exchanges:
            _exchange(console, ex, show_secrets)


def _request(console: Console, plan: Plan, browser: str) -> None:
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


def _steps(console: Console, verdict: Verdict) -> None:
    for step in verdict.steps:
        mark = {True: "[green]✔[/]", False: "[red]✘[/]", None: "[blue]•[/]"}[step.passed]
        seen = f"  [dim]seen:[/] {escape(step.seen)}" if step.seen else ""
        detail = f"  [dim]{escape(step.detail)}[/]" if step.detail else ""
        console.print(f"  {mark} {escape(step.name)}{detail}{seen}")
    console.print()


def _outcome(console: Console, verdict: Verdict, browser: str) -> None:
    if verdict.allowed and verdict.unverified:
        console.print(
            f"[bold yellow]NOT VERIFIED[/] — the preflight passes, but {browser} judges the actual reply "
            "too, and it was not sent: rerun with --actual to verify."
        )
    elif verdict.allowed:
        console.print(f"[bold green]ALLOWED[/] — {browser} lets page script read this response.")
    else:
        console.print(f"[bold red]BLOCKED[/] — {browser} refuses this request.")
    if verdict.allowed and verdict.exposed_headers:
        console.print(f"  Readable response headers: {escape(', '.join(verdict.exposed_headers))}")
    if verdict.browser_message:
        console.print(f"\n[bold]{browser} console:[/]")
        console.print(f"[red]{escape(verdict.browser_message)}[/]", soft_wrap=True)
    if verdict.unverified:
        console.print("\n[bold]Not verified[/] (the actual request was not sent; pass --actual):")
        for item in verdict.unverified:
            console.print(f"  • {escape(item)}")


def _findings(console: Console, verdict: Verdict) -> None:
    if not verdict.findings:
        return
    console.print("\n[bold]Findings[/]")
    for f in verdict.findings:
        style = _SEVERITY_STYLE[f.severity]
        console.print(f"  [{style}]{f.code} {f.severity}[/] {escape(f.message)}")
        if f.fix:
            console.print(f"        [dim]fix:[/] {escape(f.fix)}")
        console.print(f"        [dim]docs: {f.docs}[/]")


def _fix(console: Console, fix: FixSuggestion | None, framework: FrameworkGuess | None) -> None:
    if framework is not None and framework.guessed and fix is not None:
        console.print(f"\n[bold]Framework:[/] {escape(framework.title)} [dim](guessed; --framework NAME to choose)[/]")
        for item in framework.evidence:
            console.print(f"  [dim]•[/] {escape(item)}")
    if fix is None:
        return
    console.print(f"\n[bold]Fix for {escape(fix.title)}[/]")
    for placement, text in [(p.placement, p.text) for p in fix.parts] or [("", fix.snippet)]:
        if placement:
            console.print(f"  [dim]{escape(placement)}:[/]")
        # Flush left: copied from the terminal, the snippet pastes as valid code.
        for line in text.splitlines():
            console.print(f"[green]{escape(line)}[/]", soft_wrap=True)
    for note in fix.notes:
        console.print(f"  [dim]•[/] {escape(note)}")
