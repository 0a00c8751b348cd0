"""`har --live`: run, concurrently, the checks that reproduce the requests a HAR could not judge.

Each check goes through the batch engine on one shared client. A request the HAR shows without
cookies might still have been sent with `credentials: 'include'` (a HAR does not record the
credentials mode), so each such check also runs with credentials: when only that variant is
blocked, it is the likely reason the browser failed the request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from cors_doctor.batch import BatchOptions
from cors_doctor.check_args import CheckArgs
from cors_doctor.errors import CorsDoctorError
from cors_doctor.model import Verdict
from cors_doctor.net import SendOptions

_CREDENTIALED = "+credentials"


def _summary(verdict: Verdict, note: str = "", credentials_assumed: bool = False) -> dict:
    errors = [f for f in verdict.findings if f.severity == "error"]
    return {
        "verdict": "allowed" if verdict.allowed else "blocked",
        "code": errors[0].code if errors else None,
        "browser_message": verdict.browser_message,
        "findings": [f.to_dict() for f in verdict.findings],
        "credentials_assumed": credentials_assumed,
        "actual_verified": not verdict.unverified,
        "note": note or None,
    }


def verdict_counts(results: dict[str, dict]) -> dict[str, int]:
    """How many live checks ended in each verdict (allowed, blocked, skipped, error), first seen first."""
    return dict(Counter(result["verdict"] for result in results.values()))


def run_live(jobs: dict[str, CheckArgs], *, actual: bool, batch: BatchOptions, send: SendOptions) -> dict[str, dict]:
    """key -> live result for every job (verdict blocked/allowed, or error/skipped with a reason)."""
    from cors_doctor.batch import CheckJob, run_jobs
    from cors_doctor.pipeline import CheckOptions, prepare

    options = CheckOptions(actual=actual)
    results: dict[str, dict] = {}
    queued: list[CheckJob] = []
    for key, check in jobs.items():
        if check.actual and not actual:
            results[key] = {
                "verdict": "skipped",
                "note": f"it sends the {check.method} itself: pass --actual to allow it",
            }
            continue
        try:
            queued.append(CheckJob(key, prepare(check.spec(), options), send, options))
            if not check.credentials:
                with_credentials = prepare(replace(check, credentials=True).spec(), options)
                queued.append(CheckJob(key + _CREDENTIALED, with_credentials, send, options))
        except CorsDoctorError as exc:
            results[key] = {"verdict": "error", "note": str(exc)}
    done = {r.key: r for r in run_jobs(queued, batch)}
    for key in jobs:
        if key in results:
            continue
        plain, credentialed = done.get(key), done.get(key + _CREDENTIALED)
        if plain is None or plain.verdict is None:
            results[key] = {"verdict": "error", "note": str(plain.error) if plain is not None else "not run"}
        elif not plain.verdict.allowed:
            results[key] = _summary(plain.verdict)
        elif credentialed is not None and credentialed.verdict is not None and not credentialed.verdict.allowed:
            results[key] = _summary(
                credentialed.verdict,
                "blocked only with credentials: 'include', which a HAR does "
                "not record: the likely reason the browser failed it",
                credentials_assumed=True,
            )
        else:
            note = "the server now answers this request in a way the browser allows"
            if plain.verdict.unverified:
                note = (
                    "the preflight passes; the failing reply is probably the request's own: pass --actual to check it"
                )
            results[key] = _summary(plain.verdict, note)
    return results
