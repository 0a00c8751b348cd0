"""One rule of the catalog: everything cors-doctor says about one finding code, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from cors_doctor.model import Severity
from cors_doctor.rules.codes import Code


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A finding code's text, in the sections of its docs page (docs/rules/CODE.md).

    `meaning` (what it means), `why` (why the browser cares, or the impact for audit codes),
    `failing` (an exchange that shows it) and `fixed` (the same exchange fixed) are the page;
    `title` heads every finding; `ref` is the rule-book id (fetch-cors-rules.md); the message of
    a finding is built where it is detected, from the values seen (rules/wording.py).
    """

    code: Code
    name: str
    severity: Severity
    title: str
    meaning: str
    why: str
    failing: str
    fixed: str
    ref: str
