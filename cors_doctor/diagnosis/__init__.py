"""After the browser's verdict: who answered, which known pitfall it is, and the fix to apply.

`diagnose` is pure. `probe_canary` is the one extra check cors-doctor makes on its own: when a
reply echoes the page's origin with credentials, the same request is repeated from an origin
nobody allows, which tells an allow-list from a server that reflects every origin. It never sends
a request the browser would not send (only the preflight, or a GET/HEAD), and never cookies.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cors_doctor.diagnosis.fingerprint import FrameworkGuess, identify
from cors_doctor.fixes import FixSuggestion, suggest
from cors_doctor.model import Verdict, header_get, header_values
from cors_doctor.diagnosis.pitfalls import CANARY_ORIGIN, with_pitfalls

if TYPE_CHECKING:
    from cors_doctor.net._probe import ProbeOptions


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


def probe_canary(verdict: Verdict, options: ProbeOptions) -> Verdict | None:
    """Repeat the check from CANARY_ORIGIN when the replies could be origin reflection; None otherwise."""
    if not echoes_origin_with_credentials(verdict):
        return None
    from cors_doctor.errors import CorsDoctorError
    from cors_doctor.plan import build_plan
    from cors_doctor.net._probe import probe

    spec = dataclasses.replace(verdict.plan.spec, origin=CANARY_ORIGIN)
    quiet = dataclasses.replace(options, cookie=None, send_actual=False)
    try:
        return probe(build_plan(spec), quiet)
    except CorsDoctorError:
        return None
