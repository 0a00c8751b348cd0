"""After the browser's verdict: who answered, which known pitfall it is, and the fix to apply.

Pure: verdicts in, findings and a fix out. The one extra request cors-doctor may make on its own
(the reflection probe, only when asked) is sent by `cors_doctor.pipeline`; its verdict arrives
here as `canary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.diagnosis.fingerprint import FrameworkGuess, identify
from cors_doctor.fixes import FixSuggestion, suggest
from cors_doctor.model import Verdict, header_get, header_values
from cors_doctor.diagnosis.pitfalls import CANARY_ORIGIN, with_pitfalls


@dataclass(frozen=True)
class Diagnosis:
    """The verdict with pitfall findings, the framework the fix is for, and the fix itself."""

    verdict: Verdict
    framework: FrameworkGuess
    fix: FixSuggestion | None


def diagnose(verdict: Verdict, framework: str | None = None, canary: Verdict | None = None) -> Diagnosis:
    """Add pitfall findings and write the fix for `framework` (guessed from the replies when None)."""
    guess = identify(verdict, framework)
    verdict = with_pitfalls(verdict, guess.name, canary)
    return Diagnosis(verdict, guess, suggest(verdict, guess.name))


def echoes_origin_with_credentials(verdict: Verdict) -> bool:
    """A reply allowed exactly the page's origin with credentials: an allow-list, or reflection?"""
    origin = verdict.plan.origin
    if origin == "null" or verdict.plan.same_origin:
        return False
    for ex in verdict.exchanges:
        r = ex.response
        if r is None:
            continue
        if [v.strip() for v in header_values(r.headers, "Access-Control-Allow-Origin")] == [origin] and \
                header_get(r.headers, "Access-Control-Allow-Credentials") == "true":
            return True
    return False
