"""`check --brief`: one line for shell scripts, `STATUS CODES METHOD URL from ORIGIN`."""

from __future__ import annotations

from cors_doctor.model import Verdict
from cors_doctor.render.escape import visible


def render_brief(verdict: Verdict) -> str:
    if not verdict.allowed:
        status = "BLOCKED"
    elif verdict.unverified:
        status = "NOT-VERIFIED"
    else:
        status = "ALLOWED"
    codes = ",".join(dict.fromkeys(f.code for f in verdict.findings if f.severity != "info")) or "-"
    plan = verdict.plan
    return visible(f"{status} {codes} {plan.method} {plan.url} from {plan.origin}")
