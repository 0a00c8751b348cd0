"""Judging verdicts against policy expectations, on recorded replies (no network)."""

from __future__ import annotations

from cors_doctor.ci import parse_policy
from cors_doctor.ci.outcome import KEPT_FAILURES, Tally, judge
from cors_doctor.errors import ConnectError
from cors_doctor.evaluate import evaluate
from cors_doctor.model import Response
from cors_doctor.plan import build_plan

APP = "https://app.example.com"
PREFLIGHT_OK = Response(
    204,
    (
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Methods", "GET, PUT"),
        ("Access-Control-Allow-Headers", "x-requested-with"),
        ("Access-Control-Max-Age", "600"),
        ("Vary", "Origin"),
    ),
)
ACTUAL_OK = Response(
    200,
    (
        ("Content-Type", "application/json"),
        ("X-Request-Id", "r1"),
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Expose-Headers", "X-Request-Id"),
        ("Vary", "Origin"),
    ),
)


def case_for(entry: str, origin: str = APP):
    policy = parse_policy(
        '[defaults]\nheaders = { "X-Requested-With" = "fetch" }\n'
        f'[[check]]\nname = "c"\nurl = "https://api.example.com/items"\norigins = ["{origin}"]\n{entry}\n',
        "p.toml",
    )
    return next(policy.cases())


def judged(entry: str, *responses: Response, origin: str = APP):
    case = case_for(entry, origin)
    verdict = evaluate(build_plan(case.spec()), list(responses), send_actual=case.check.actual)
    return judge(case, verdict, None, 0.25)


def test_allow_met_and_all_reply_expectations_hold() -> None:
    outcome = judged(
        'expect = "allow"\nmax_age_at_least = 600\nexposed_headers = ["x-request-id"]\nvary_origin = true',
        PREFLIGHT_OK,
        ACTUAL_OK,
    )
    assert (outcome.status, outcome.allowed, outcome.summary) == ("pass", True, "allowed, as expected")
    assert outcome.problems == () and outcome.elapsed == 0.25 and outcome.line == 3
    assert outcome.title == f"GET https://api.example.com/items from {APP}"


def test_allow_violated_quotes_the_browser() -> None:
    outcome = judged('expect = "allow"', Response(204, ()))
    assert outcome.status == "fail" and outcome.allowed is False
    assert outcome.summary.startswith("expected allow, but Chrome blocks it: Access to fetch at")
    assert any(f.code == "CD301" for f in outcome.findings)


def test_block_met_names_the_reason_and_block_violated_names_the_origin() -> None:
    met = judged('expect = "block"', Response(204, ()), origin="https://evil.example")
    assert met.status == "pass" and met.summary == "blocked, as expected (CD301: No Access-Control-Allow-Origin header)"
    reflect = Response(
        204,
        (("Access-Control-Allow-Origin", "https://evil.example"), ("Access-Control-Allow-Headers", "x-requested-with")),
    )
    actual = Response(200, (("Access-Control-Allow-Origin", "https://evil.example"),))
    violated = judged('expect = "block"', reflect, actual, origin="https://evil.example")
    assert violated.status == "fail"
    assert violated.problems == ("expected block, but Chrome lets https://evil.example read the reply",)


def test_reply_expectations_each_report_what_they_saw() -> None:
    short = Response(
        204,
        (*tuple(h for h in PREFLIGHT_OK.headers if h[0] != "Access-Control-Max-Age"), ("Access-Control-Max-Age", "5")),
    )
    bare = Response(200, (("X-Request-Id", "r1"), ("Access-Control-Allow-Origin", APP)))
    outcome = judged(
        'expect = "allow"\nmax_age_at_least = 600\nexposed_headers = ["X-Request-Id"]\nvary_origin = true', short, bare
    )
    assert outcome.status == "fail" and outcome.allowed is True
    assert outcome.problems == (
        "Access-Control-Max-Age is 5; expected at least 600",
        "script cannot read X-Request-Id (readable: none); send it and list it in Access-Control-Expose-Headers",
        f"Access-Control-Allow-Origin reflects {APP} but the reply has no Vary: Origin; a cache can serve it to other origins",
    )
    absent = Response(204, tuple(h for h in PREFLIGHT_OK.headers if h[0] != "Access-Control-Max-Age"))
    assert judged('expect = "allow"\nmax_age_at_least = 1', absent, ACTUAL_OK).problems == (
        "the preflight reply has no Access-Control-Max-Age (the browser caches it 5 s); expected at least 1",
    )


def test_preflight_only_checks_say_so() -> None:
    outcome = judged('method = "PUT"\nexpect = "allow"', PREFLIGHT_OK)
    assert outcome.status == "pass" and outcome.summary == "allowed, as expected (preflight passed)"
    assert outcome.notes == ("preflight only: the PUT itself was not sent (set actual = true to verify its reply)",)
    wrong = judged('method = "PUT"\nexpect = "block"', PREFLIGHT_OK)
    assert wrong.problems == (
        "expected block, but Chrome lets https://app.example.com read the reply "
        "(the preflight passed; the actual request was not sent)",
    )


def test_unreachable_is_an_error_not_a_block() -> None:
    case = case_for('expect = "block"', "https://evil.example")
    outcome = judge(
        case, None, ConnectError("connection refused by https://api.example.com/items (is the server running?)")
    )
    assert (outcome.status, outcome.allowed) == ("error", None)
    assert (
        outcome.summary
        == "could not check: connection refused by https://api.example.com/items (is the server running?)"
    )


def test_tally_counts_everything_and_keeps_a_bounded_list_of_failures() -> None:
    case = case_for('expect = "allow"')
    tally = Tally.for_checks((case.check,))
    passing = judged('expect = "allow"', PREFLIGHT_OK, ACTUAL_OK)
    failing = judged('expect = "allow"', Response(204, ()))
    error = judge(case, None, ConnectError("down"))
    for outcome in [passing] * 3 + [failing] * (KEPT_FAILURES + 5) + [error]:
        tally.add(outcome)
    assert (tally.total, tally.passed, tally.failed, tally.errors) == (3 + KEPT_FAILURES + 6, 3, KEPT_FAILURES + 5, 1)
    assert len(tally.failures) == KEPT_FAILURES and tally.unlisted_failures == 6 and not tally.ok
