"""CD8xx findings from the cookie judgement (cors_doctor/cookies): one finding per cookie problem.

A cookie problem never changes the CORS verdict (the browser still lets script read the reply);
it says why the session will not hold. Refusals are warnings, the rest (partitioned jars, the
third-party setting, what Chrome would do differently) information.
"""

from __future__ import annotations

import dataclasses

from cors_doctor.cookies import CookieJudgement, CookieReport, HeldCookie, ThirdParty, cookie_report
from cors_doctor.cookies.judge import CODES, REFUSALS, Problem
from cors_doctor.model import Finding, Severity, Verdict
from cors_doctor.rules.catalog import rule

_FIXES = {
    "none-without-secure": "add Secure (SameSite=None; Secure), and serve the API over https",
    "secure-over-http": "serve the API over https (http://localhost is exempt in Chrome and Firefox)",
    "prefix": "give __Host- cookies Secure, Path=/ and no Domain; __Secure- cookies Secure",
    "domain": "drop the Domain attribute (the cookie then belongs to the host that set it) or name a parent "
    "domain of that host",
    "samesite-cross-site": "set SameSite=None; Secure on the cookie, or serve the API from the page's site",
    "lax-by-default": "set SameSite=None; Secure on the cookie, or serve the API from the page's site",
    "third-party-blocked": "serve the API from the page's site (a subdomain or a path behind a reverse proxy), "
    "or authenticate with a token in the Authorization header",
    "partitioned-without-secure": "add Secure to the Partitioned cookie",
    "path": "set Path=/ (or a prefix of the request path)",
    "third-party-setting": "add Partitioned (SameSite=None; Secure; Partitioned) if the cookie only needs to work "
    "on this page's site, or serve the API from the page's site",
    "lax-by-default-elsewhere": "set SameSite=None; Secure on the cookie",
    "malformed": "send name=value before any attribute, without control characters",
}


def _severity(problem: Problem) -> Severity:
    return "warning" if problem.kind in REFUSALS else "info"


def _subject(j: CookieJudgement) -> str:
    name = j.name or "(nameless)"
    if j.source == "held":
        return f"cookie {name} (--cookie) is {'attached' if j.sent else 'not attached'}"
    if j.stored:
        state = (
            "stored"
            + (" in a partitioned jar" if j.partitioned else "")
            + (" and sent back" if j.sent else " but not sent back")
        )
    else:
        state = "not stored"
    return f"Set-Cookie {name} is {state}"


def _finding(code: str, message: str, fix: str, severity: Severity) -> Finding:
    r = rule(code)
    return Finding(code, severity, r.title, message, fix, r.ref, "cookies")


def findings_from(report: CookieReport) -> tuple[Finding, ...]:
    out: list[Finding] = []
    if report.ignored:
        names = sorted({line.partition("=")[0].strip() or "(nameless)" for line in report.ignored})
        out.append(
            _finding(
                "CD801",
                f"the reply sets {', '.join(names)} but the request has no credentials: cross-origin fetch() "
                "ignores Set-Cookie unless it is made with credentials: 'include'",
                "fetch(url, {credentials: 'include'}) and allow it with Access-Control-Allow-Credentials: true",
                "warning",
            )
        )
    for j in (*report.set_cookies, *report.held):
        for problem in j.problems:
            out.append(
                _finding(
                    CODES[problem.kind],
                    f"{_subject(j)}: {problem.text}",
                    _FIXES.get(problem.kind, ""),
                    _severity(problem),
                )
            )
    return tuple(out)


def with_cookie_findings(
    verdict: Verdict, held: tuple[HeldCookie, ...] | None = None, third_party: ThirdParty | None = None
) -> Verdict:
    """The verdict with its CD8xx findings (replacing any made under another cookie policy)."""
    report = cookie_report(verdict, held, third_party)
    kept = tuple(f for f in verdict.findings if not f.code.startswith("CD8"))
    found = findings_from(report)
    if not found and len(kept) == len(verdict.findings):
        return verdict
    order = {"error": 0, "warning": 1, "info": 2}
    return dataclasses.replace(verdict, findings=tuple(sorted((*kept, *found), key=lambda f: order[f.severity])))
