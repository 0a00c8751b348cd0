"""`cors-doctor explain --json`: one object with every explanation (docs/explain.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cors_doctor.explain.recognise import ExplainResult, Explanation
from cors_doctor.links import rule_url
from cors_doctor.rules.catalog import RULES

if TYPE_CHECKING:
    from cors_doctor.fixes import FixSuggestion

SCHEMA_VERSION = 1


def _fix(fix: FixSuggestion | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "framework": fix.framework,
        "title": fix.title,
        "language": fix.language,
        "snippet": fix.snippet,
        "notes": list(fix.notes),
    }


def explanation_dict(e: Explanation, fix: FixSuggestion | None = None, run: dict | None = None) -> dict[str, Any]:
    rule = RULES.get(e.code or "")
    return {
        "browser": e.browser,
        "kind": e.kind,
        "code": e.code,
        "name": rule.name if rule else None,
        "title": rule.title if rule else None,
        "severity": rule.severity if rule else None,
        "rule": rule.ref if rule else None,
        "docs": rule_url(rule.code) if rule else None,
        "also": list(e.also),
        "message": e.message,
        "count": e.count,
        "request": {
            "url": e.initial_url or e.url,
            "final_url": e.url,
            "origin": e.origin,
            "method": e.method,
            "status": e.status,
            "preflight": e.preflight,
            "resource": e.resource,
        },
        "hint": e.hint,
        "checked": e.checked,
        "failed": e.failed,
        "fix": e.fix,
        "notes": list(e.notes),
        "command": e.check.shell() if e.check else None,
        "argv": e.check.argv() if e.check else None,
        "assumptions": list(e.assumptions),
        "no_command_reason": e.no_check_reason or None,
        "framework_fix": _fix(fix),
        "check": run,
    }


def result_dict(result: ExplainResult, fixes: dict[int, FixSuggestion], runs: dict[int, dict]) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "explained": [explanation_dict(e, fixes.get(i), runs.get(i)) for i, e in enumerate(result.explained)],
        "unrecognised": [
            {
                "text": u.text,
                "note": u.note or None,
                "closest": [{"browser": b, "message": m, "similarity": r} for b, m, r in u.closest],
            }
            for u in result.unrecognised
        ],
    }


def render(result: ExplainResult, fixes: dict[int, FixSuggestion], runs: dict[int, dict]) -> str:
    return json.dumps(result_dict(result, fixes, runs), indent=2, ensure_ascii=False)
