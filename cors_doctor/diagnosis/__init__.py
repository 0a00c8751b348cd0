"""After the browser's verdict: who answered, which known pitfall it is, and the fix to apply.

Pure: verdicts in, findings and a fix out. The one extra request cors-doctor may make on its own
(the reflection probe, only when asked) is sent by `cors_doctor.pipeline`; its verdict arrives
here as `canary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cors_doctor.diagnosis.fingerprint import FrameworkGuess, identify
from cors_doctor.diagnosis.pitfalls import with_pitfalls
from cors_doctor.fixes import FixSuggestion, suggest
from cors_doctor.model import Verdict, header_get, header_values

if TYPE_CHECKING:
    from cors_doctor.cookies import CookieReport


@dataclass(frozen=True)
class Diagnosis:
    """The verdict with pitfall findings, the framework the fix is for, and the fix itself; and
    each cookie of the check judged (None when it carries none), with the cookie fix."""

    verdict: Verdict
    framework: FrameworkGuess
    fix: FixSuggestion | None
    cookies: CookieReport | None = None
    cookie_fix: FixSuggestion | None = None


def diagnose(
    verdict: Verdict,
    framework: str | None = None,
    canary: Verdict | None = None,
    *,
    cookie: str | None = None,
    third_party_cookies: str | None = None,
) -> Diagnosis:
    """Add pitfall findings and write the fix for `framework` (guessed from the replies when None).

    `cookie` is the --cookie value (its attributes say how each cookie was set);
    `third_party_cookies` replaces the browser's third-party cookie setting.
    """
    from cors_doctor.diagnosis.cookies import judge_cookies

    guess = identify(verdict, framework)
    verdict = with_pitfalls(verdict, guess.name, canary)
    held = cookie if verdict.plan.spec.credentials else None
    verdict, cookies, cookie_fix = judge_cookies(verdict, held, third_party_cookies, guess.name)
    return Diagnosis(verdict, guess, suggest(verdict, guess.name), None if cookies.empty else cookies, cookie_fix)


def echoes_origin_with_credentials(verdict: Verdict) -> bool:
    """A reply allowed exactly the page's origin with credentials: an allow-list, or reflection?"""
    origin = verdict.plan.origin
    if origin == "null" or verdict.plan.same_origin:
        return False
    for ex in verdict.exchanges:
        r = ex.response
        if r is None:
            continue
        if [v.strip() for v in header_values(r.headers, "Access-Control-Allow-Origin")] == [origin] and header_get(
            r.headers, "Access-Control-Allow-Credentials"
        ) == "true":
            return True
    return False
