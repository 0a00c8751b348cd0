"""Cookies on credentialed cross-origin requests: will the browser store them, and send them back?

Pure: parse.py reads Set-Cookie / Cookie lines, site.py decides same-site (Public Suffix List,
schemeful), policy.py holds each browser's cookie rules, judge.py answers per cookie, and
report.py applies it to every exchange of a verdict.
"""

from cors_doctor.cookies.judge import CookieJudgement, Problem, context_for, judge_held_cookie, judge_set_cookie
from cors_doctor.cookies.parse import HeldCookie, SetCookie, parse_cookie_option, parse_set_cookie
from cors_doctor.cookies.policy import CookiePolicy, ThirdParty, policy_for
from cors_doctor.cookies.report import CookieReport, cookie_report

__all__ = [
    "CookieJudgement",
    "CookiePolicy",
    "CookieReport",
    "HeldCookie",
    "Problem",
    "SetCookie",
    "ThirdParty",
    "context_for",
    "cookie_report",
    "judge_held_cookie",
    "judge_set_cookie",
    "parse_cookie_option",
    "parse_set_cookie",
    "policy_for",
]
