"""Every finding code cors-doctor can report: one source for its text and docs/rules/CODE.md.

Codes are stable: a code is never reused for another meaning. One module per family, in the
order of the code numbers; each entry is a `Rule` with keyword fields, the sections of its page.
"""

from __future__ import annotations

from cors_doctor.rules.catalog import audit, pitfalls, preflight, request, response
from cors_doctor.rules.catalog.rule import Rule

RULES: dict[str, Rule] = {
    r.code: r for family in (request, preflight, response, pitfalls, audit) for r in family.RULES
}

__all__ = ["RULES", "Rule", "rule"]


def rule(code: str) -> Rule:
    return RULES[code]
