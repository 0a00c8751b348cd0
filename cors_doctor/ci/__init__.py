"""`ci`: policy files for CI gates — which origins must be allowed, which blocked — and their outcomes.

load_policy(path) / parse_policy(text, source) -> Policy     (PolicyError lists every problem)
Policy.cases(shard) -> the checks to run, one per URL and origin
judge(case, verdict, error) -> Outcome; Tally adds them up for the reports
"""

from __future__ import annotations

from cors_doctor.ci.outcome import CheckTally, FindingLine, Outcome, Tally, judge
from cors_doctor.ci.policy import Case, Expectation, Policy, PolicyCheck, PolicyError, Shard, parse_shard
from cors_doctor.ci.policy_file import load_policy, parse_policy

__all__ = [
    "Case",
    "CheckTally",
    "Expectation",
    "FindingLine",
    "Outcome",
    "Policy",
    "PolicyCheck",
    "PolicyError",
    "Shard",
    "Tally",
    "judge",
    "load_policy",
    "parse_policy",
    "parse_shard",
]
