"""Did a case meet its policy? The browser's verdict held against what the policy expects.

An Outcome keeps only what reports need (no exchanges, no bodies), so a run of any size streams
through the reporters without holding its verdicts. `Tally` counts them and keeps the first few
failures for the summaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from cors_doctor.ci.policy import Case, Expect, PolicyCheck
from cors_doctor.model import Verdict, header_get, header_values

Status = Literal["pass", "fail", "error"]
BROWSER_NAMES = {"chrome": "Chrome", "firefox": "Firefox", "safari": "Safari"}
KEPT_FAILURES = 50


@dataclass(frozen=True)
class FindingLine:
    code: str
    severity: str
    message: str


@dataclass(frozen=True)
class Outcome:
    """One case judged: pass, fail (an expectation did not hold) or error (it could not be checked)."""

    index: int
    check: str
    check_number: int
    line: int | None
    method: str
    url: str
    origin: str
    expect: Expect
    status: Status
    allowed: bool | None
    summary: str
    problems: tuple[str, ...] = ()
    findings: tuple[FindingLine, ...] = ()
    notes: tuple[str, ...] = ()
    browser_message: str | None = None
    elapsed: float = 0.0

    @property
    def title(self) -> str:
        return f"{self.method} {self.url} from {self.origin}"


def judge(case: Case, verdict: Verdict | None, error: Exception | None, elapsed: float = 0.0) -> Outcome:
    """Hold one verdict (or the error that replaced it) against the case's expectations."""
    check = case.check
    base = Outcome(
        index=case.index,
        check=check.name,
        check_number=check.number,
        line=check.line,
        method=check.method,
        url=case.url,
        origin=case.origin,
        expect=check.expect.verdict,
        elapsed=elapsed,
        status="error",
        allowed=None,
        summary="",
    )
    if verdict is None:
        reason = str(error) if error is not None else "no verdict"
        return replace(base, summary=f"could not check: {reason}", problems=(reason,))

    browser = BROWSER_NAMES.get(verdict.plan.spec.browser, verdict.plan.spec.browser)
    problems = _verdict_problems(check, verdict, browser)
    if verdict.allowed and check.expect.verdict == "allow":
        problems += _max_age_problems(check, verdict) + _exposed_problems(check, verdict)
    if check.expect.vary_origin:
        problems += _vary_problems(verdict)
    notes = []
    if check.preflight_only and verdict.preflight is not None:
        notes.append(f"preflight only: the {check.method} itself was not sent (set actual = true to verify its reply)")
    findings = tuple(FindingLine(f.code, f.severity, f.message) for f in verdict.findings if f.severity != "info")
    if problems:
        summary = problems[0]
    elif verdict.allowed:
        summary = "allowed, as expected" + (" (preflight passed)" if notes else "")
    else:
        first = next((f for f in verdict.findings if f.severity == "error"), None)
        summary = "blocked, as expected" + (f" ({first.code}: {first.title})" if first else "")
    return replace(
        base,
        status="fail" if problems else "pass",
        allowed=verdict.allowed,
        summary=summary,
        problems=tuple(problems),
        findings=findings,
        notes=tuple(notes),
        browser_message=verdict.browser_message,
    )


def _verdict_problems(check: PolicyCheck, verdict: Verdict, browser: str) -> list[str]:
    if check.expect.verdict == "allow" and not verdict.allowed:
        why = verdict.browser_message or next((f.message for f in verdict.errors), "")
        return [f"expected allow, but {browser} blocks it" + (f": {why}" if why else "")]
    if check.expect.verdict == "block" and verdict.allowed:
        scope = " (the preflight passed; the actual request was not sent)" if check.preflight_only else ""
        return [f"expected block, but {browser} lets {verdict.plan.origin} read the reply{scope}"]
    return []


def _max_age_problems(check: PolicyCheck, verdict: Verdict) -> list[str]:
    wanted = check.expect.max_age_at_least
    if wanted is None:
        return []
    from cors_doctor.rules.preflight import max_age

    pre = verdict.preflight
    if pre is None or pre.response is None:
        return [f"no preflight was sent, so there is no Access-Control-Max-Age (expected at least {wanted})"]
    age = max_age(pre.response.headers, check.browser)
    if age.raw is None:
        return [
            f"the preflight reply has no Access-Control-Max-Age (the browser caches it {age.effective} s); expected at least {wanted}"
        ]
    if not age.raw.lstrip("-").isdigit():
        return [f"Access-Control-Max-Age is {age.raw!r}, not a number of seconds; expected at least {wanted}"]
    if int(age.raw) < wanted:
        return [f"Access-Control-Max-Age is {age.raw}; expected at least {wanted}"]
    return []


def _exposed_problems(check: PolicyCheck, verdict: Verdict) -> list[str]:
    wanted = check.expect.exposed_headers
    if not wanted:
        return []
    if not verdict.actual_sent:
        return [f"exposed headers not verified: the actual request was not sent ({', '.join(wanted)})"]
    readable = set(verdict.exposed_headers)
    missing = [name for name in wanted if name.lower() not in readable]
    if not missing:
        return []
    shown = ", ".join(verdict.exposed_headers) or "none"
    return [
        f"script cannot read {', '.join(missing)} (readable: {shown}); send it and list it in Access-Control-Expose-Headers"
    ]


def _vary_problems(verdict: Verdict) -> list[str]:
    hops = verdict.actual_hops
    reply = hops[-1].response if hops else None
    if reply is None:
        return []
    acao = (header_get(reply.headers, "Access-Control-Allow-Origin") or "").strip()
    if not acao or acao == "*" or acao != verdict.plan.origin:
        return []
    vary = {token.strip().lower() for line in header_values(reply.headers, "Vary") for token in line.split(",")}
    if "origin" in vary or "*" in vary:
        return []
    return [
        f"Access-Control-Allow-Origin reflects {acao} but the reply has no Vary: Origin; a cache can serve it to other origins"
    ]


@dataclass
class CheckTally:
    """Counts for one policy check across its cases (a mutable accumulator)."""

    number: int
    name: str
    expect: Expect
    line: int | None
    passed: int = 0
    failed: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors


@dataclass
class Tally:
    """What the summaries need from a run: counts, and the first KEPT_FAILURES failures in order."""

    checks: dict[int, CheckTally] = field(default_factory=dict)
    failures: list[Outcome] = field(default_factory=list)
    unlisted_failures: int = 0
    elapsed: float = 0.0

    @classmethod
    def for_checks(cls, checks: tuple[PolicyCheck, ...]) -> Tally:
        return cls({c.number: CheckTally(c.number, c.name, c.expect.verdict, c.line) for c in checks})

    def add(self, outcome: Outcome) -> None:
        tally = self.checks[outcome.check_number]
        if outcome.status == "pass":
            tally.passed += 1
            return
        if outcome.status == "fail":
            tally.failed += 1
        else:
            tally.errors += 1
        if len(self.failures) < KEPT_FAILURES:
            self.failures.append(outcome)
        else:
            self.unlisted_failures += 1

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.checks.values())

    @property
    def failed(self) -> int:
        return sum(t.failed for t in self.checks.values())

    @property
    def errors(self) -> int:
        return sum(t.errors for t in self.checks.values())

    @property
    def total(self) -> int:
        return sum(t.total for t in self.checks.values())

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.errors == 0
