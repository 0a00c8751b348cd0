"""Every cookie of a verdict judged: each Set-Cookie on an actual reply, and each cookie sent."""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.cookies.judge import CookieJudgement, context_for, judge_held_cookie, judge_set_cookie
from cors_doctor.cookies.parse import HeldCookie, parse_cookie_option, parse_set_cookie
from cors_doctor.cookies.policy import CookiePolicy, ThirdParty, policy_for
from cors_doctor.model import Verdict, header_get, header_values
from cors_doctor.origin import OPAQUE, Origin, origin_of


@dataclass(frozen=True)
class CookieReport:
    """The cookie judgement for one check, under one browser's cookie policy."""

    policy: CookiePolicy
    credentials: bool
    set_cookies: tuple[CookieJudgement, ...] = ()
    held: tuple[CookieJudgement, ...] = ()
    ignored: tuple[str, ...] = ()  # Set-Cookie lines on replies to a request without credentials

    @property
    def empty(self) -> bool:
        return not (self.set_cookies or self.held or self.ignored)


def _page_origin(text: str) -> Origin:
    return OPAQUE if text == "null" else origin_of(text)


def has_cookies(verdict: Verdict) -> bool:
    """Cheap test first: most checks carry no cookie at all."""
    for ex in verdict.exchanges:
        if ex.request.kind == "actual" and (
            header_get(ex.request.headers, "Cookie") is not None
            or (ex.response is not None and header_get(ex.response.headers, "Set-Cookie") is not None)
        ):
            return True
    return False


def cookie_report(
    verdict: Verdict, held: tuple[HeldCookie, ...] | None = None, third_party: ThirdParty | None = None
) -> CookieReport:
    """Judge the cookies of `verdict` as its browser would; `held` adds what is known of the sent
    cookies' attributes (from --cookie), `third_party` replaces the browser's third-party setting."""
    plan = verdict.plan
    policy = policy_for(plan.spec.browser, third_party)
    if plan.same_origin or not has_cookies(verdict):
        return CookieReport(policy, plan.spec.credentials)
    page = _page_origin(plan.origin)
    set_cookies: list[CookieJudgement] = []
    held_judged: list[CookieJudgement] = []
    ignored: list[str] = []
    for ex in verdict.exchanges:
        if ex.request.kind != "actual":
            continue  # a preflight never carries cookies, and its Set-Cookie is ignored
        ctx = context_for(page, ex.request.url, policy)
        sent = header_get(ex.request.headers, "Cookie")
        if sent is not None and not held_judged:
            known = held if held is not None else parse_cookie_option(sent)
            held_judged = [judge_held_cookie(c, ctx, policy) for c in known]
        if ex.response is None:
            continue
        for line in header_values(ex.response.headers, "Set-Cookie"):
            if not ex.request.with_credentials:
                ignored.append(line)
                continue
            set_cookies.append(judge_set_cookie(parse_set_cookie(line), ctx, policy))
    return CookieReport(policy, plan.spec.credentials, tuple(set_cookies), tuple(held_judged), tuple(ignored))
