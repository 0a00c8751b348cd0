"""The cookie section of `check`: per cookie, stored or not, sent back or not, and why (console, JSON).

Cookie names come from the server or the user: escaped here; values are never shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from cors_doctor.cookies import CookieJudgement, CookieReport
    from cors_doctor.fixes import FixSuggestion

_BROWSER_NAMES = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
_THIRD_PARTY = {
    "allow": "third-party cookies allowed",
    "partition": "third-party cookies partitioned by site",
    "block": "third-party cookies blocked",
}


def policy_line(report: CookieReport) -> str:
    p = report.policy
    default = "Lax" if p.lax_by_default else "None"
    chosen = "" if p.third_party_is_default else " (--third-party-cookies)"
    return f"{_BROWSER_NAMES[p.browser]}: SameSite {default} when absent, {_THIRD_PARTY[p.third_party]}{chosen}" + (
        ", schemeful same-site" if p.schemeful else ""
    )


def _state(j: CookieJudgement) -> tuple[bool, str]:
    if j.source == "held":
        return j.sent, "attached" if j.sent else "not attached"
    if not j.stored:
        return False, "not stored"
    where = " (partitioned jar)" if j.partitioned else ""
    return j.sent, f"stored{where}, " + ("sent back" if j.sent else "not sent back")


def render_console(console: Console, report: CookieReport, fix: FixSuggestion | None) -> None:
    from rich.markup import escape

    if report.empty:
        return
    console.print(f"\n[bold]Cookies[/] [dim]({escape(policy_line(report))})[/]")
    if report.ignored:
        console.print(f"  [red]✘[/] {len(report.ignored)} Set-Cookie ignored: the request has no credentials")
    for j in (*report.set_cookies, *report.held):
        ok, state = _state(j)
        mark = "[green]✔[/]" if ok else "[red]✘[/]"
        label = escape(j.name or "(nameless)") + (" [dim](--cookie)[/]" if j.source == "held" else "")
        same = f"  [dim]SameSite {escape(j.same_site)}[/]" if j.same_site else ""
        console.print(f"  {mark} {label}: {state}{same}")
        for problem in j.problems:
            console.print(f"      [dim]•[/] {escape(problem.text)}")
    if fix is not None:
        console.print(f"\n[bold]Fix for {escape(fix.title)}[/]")
        for line in fix.snippet.splitlines():
            console.print(f"    [green]{escape(line)}[/]", soft_wrap=True)
        for note in fix.notes:
            console.print(f"  [dim]•[/] {escape(note)}")


def _judgement(j: CookieJudgement) -> dict[str, Any]:
    from cors_doctor.cookies.judge import CODES

    return {
        "name": j.name,
        "url": j.url,
        "stored": j.stored,
        "sent": j.sent,
        "partitioned": j.partitioned,
        "same_site": j.same_site,
        "problems": [{"code": CODES[p.kind], "kind": p.kind, "message": p.text} for p in j.problems],
    }


def cookies_dict(report: CookieReport | None, fix: FixSuggestion | None) -> dict[str, Any] | None:
    if report is None or report.empty:
        return None
    p = report.policy
    return {
        "policy": {
            "browser": p.browser,
            "lax_by_default": p.lax_by_default,
            "none_requires_secure": p.none_requires_secure,
            "schemeful": p.schemeful,
            "third_party": p.third_party,
            "loopback_is_secure": p.loopback_is_secure,
        },
        "set_cookies": [_judgement(j) for j in report.set_cookies],
        "held": [_judgement(j) for j in report.held],
        "ignored_without_credentials": len(report.ignored),
        "fix": None
        if fix is None
        else {
            "framework": fix.framework,
            "title": fix.title,
            "language": fix.language,
            "snippet": fix.snippet,
            "notes": list(fix.notes),
        },
    }
