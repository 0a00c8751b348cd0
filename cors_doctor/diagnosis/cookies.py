"""The cookie part of `check`: findings under the chosen cookie policy, the report and its fix.

Kept apart from the CLI module so the library and every command can ask the same question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.cookies import CookieReport, ThirdParty, cookie_report, parse_cookie_option
from cors_doctor.model import Verdict

if TYPE_CHECKING:
    from cors_doctor.fixes import FixSuggestion


def judge_cookies(
    verdict: Verdict, cookie: str | None, third_party: str | None, framework: str
) -> tuple[Verdict, CookieReport, FixSuggestion | None]:
    """The verdict with CD8xx findings for this cookie policy, the per-cookie report and the cookie fix."""
    from cors_doctor.fixes.cookies import cookie_fix
    from cors_doctor.rules.cookies import with_cookie_findings

    held = parse_cookie_option(cookie) if cookie else None
    chosen: ThirdParty | None = third_party  # type: ignore[assignment]  # validated by the caller
    verdict = with_cookie_findings(verdict, held, chosen)
    report = cookie_report(verdict, held, chosen)
    return verdict, report, cookie_fix(report, verdict.plan.origin, framework)
