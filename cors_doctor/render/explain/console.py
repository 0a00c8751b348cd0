"""`cors-doctor explain` for people: each recognised message, what failed, the fix, the check to run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.explain.recognise import ExplainResult, Explanation, Unrecognised
from cors_doctor.links import rule_url
from cors_doctor.rules.catalog import RULES

if TYPE_CHECKING:
    from rich.console import Console

    from cors_doctor.fixes import FixSuggestion

BROWSER_NAMES = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_LABEL = 11


def _field(console: Console, label: str, text: str, style: str = "") -> None:
    from cors_doctor.render.escape import markup as escape

    body = f"[{style}]{escape(text)}[/]" if style else escape(text)
    console.print(f"   [bold]{label + ':':<{_LABEL}}[/]{body}", soft_wrap=True)


def _request_line(e: Explanation) -> str:
    parts = []
    if e.url:
        parts.append(f"{e.method or ''} {e.initial_url or e.url}".strip())
    if e.initial_url:
        parts.append(f"redirected to {e.url}")
    if e.origin:
        parts.append(f"from {e.origin}")
    detail = []
    if e.preflight:
        detail.append("preflight")
    if e.status is not None:
        detail.append(f"status {e.status}")
    if e.count > 1:
        detail.append(f"printed {e.count} times")
    return "  ".join(parts) + (f"  ({', '.join(detail)})" if detail else "")


def render_explanation(console: Console, number: int, e: Explanation, fix: FixSuggestion | None) -> None:
    from cors_doctor.render.escape import markup as escape

    rule = RULES.get(e.code or "")
    title = f"{e.code} {rule.name}: {rule.title}" if rule else "CORS check failed (reason not in this line)"
    severity = "yellow" if rule is not None and rule.severity == "warning" else "bold red"
    console.print(f"[bold]{number}. {BROWSER_NAMES[e.browser]}[/] · [{severity}]{escape(title)}[/]", soft_wrap=True)
    request = _request_line(e)
    if request:
        console.print(f"   [dim]{escape(request)}[/]", soft_wrap=True)
    _field(console, "Checked", e.checked)
    _field(console, "Failed", e.failed, "red")
    if e.also:
        names = ", ".join(f"{c} {RULES[c].name}" for c in e.also if c in RULES)
        _field(
            console, "Or", f"{BROWSER_NAMES[e.browser]} prints the same text for {names}; the check tells them apart"
        )
    _field(console, "Fix", e.fix, "green")
    for note in e.notes:
        console.print(f"   {'':<{_LABEL}}[dim]• {escape(note)}[/]", soft_wrap=True)
    if e.check is not None:
        _field(console, "Reproduce", e.check.shell(), "bold")
        for assumption in e.assumptions:
            console.print(f"   {'':<{_LABEL}}[dim]({escape(assumption)})[/]", soft_wrap=True)
    elif e.no_check_reason:
        _field(console, "Reproduce", f"no check: {e.no_check_reason}", "dim")
    if rule is not None:
        _field(console, "Rule", f"{rule.ref} · {rule_url(rule.code)}", "dim")
    if fix is not None:
        console.print(
            f"   [bold]Fix for {escape(fix.title)}[/]" + ("" if e.origin else " [dim](replace PAGE_ORIGIN)[/]")
        )
        for placement, text in [(p.placement, p.text) for p in fix.parts] or [("", fix.snippet)]:
            if placement:
                console.print(f"     [dim]{escape(placement)}:[/]", soft_wrap=True)
            for line in text.splitlines():
                console.print(f"       [green]{escape(line)}[/]", soft_wrap=True)
        for note in fix.notes:
            console.print(f"     [dim]• {escape(note)}[/]", soft_wrap=True)
    console.print()


def render_unrecognised(console: Console, items: tuple[Unrecognised, ...]) -> None:
    from cors_doctor.render.escape import markup as escape

    console.print("[bold yellow]Not a CORS error cors-doctor knows.[/]")
    for item in items:
        text = item.text if len(item.text) <= 300 else item.text[:297] + "..."
        console.print(f"\n   [bold]{escape(text)}[/]", soft_wrap=True)
        if item.note:
            console.print(f"   [dim]{escape(item.note)}[/]", soft_wrap=True)
        if item.closest:
            console.print("   Closest known messages:")
            for browser, message, _ratio in item.closest:
                console.print(f"     [dim]{BROWSER_NAMES[browser]}:[/] {escape(message)}", soft_wrap=True)
    console.print()


def render(console: Console, result: ExplainResult, fixes: dict[int, FixSuggestion]) -> None:
    """The whole answer; `fixes` maps an explanation's index to its framework snippet."""
    for number, explanation in enumerate(result.explained, 1):
        render_explanation(console, number, explanation, fixes.get(number - 1))
    if not result.explained:
        render_unrecognised(console, result.unrecognised)
    elif result.unrecognised:
        n = len(result.unrecognised)
        console.print(
            f"[dim]{n} other line{'s' if n > 1 else ''} in the input {'are' if n > 1 else 'is'} not a CORS "
            "message cors-doctor knows and were left out.[/]"
        )
