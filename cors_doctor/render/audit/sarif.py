"""`audit --format sarif`: a SARIF 2.1.0 log with one result per finding.

There is no source file behind an audited URL, so the location is the URL itself; the rule is
the finding code with its page on the docs site, and `security-severity` carries the audit
severity, which code scanning uses to rank alerts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cors_doctor.audit.model import AuditFinding, AuditResult
from cors_doctor.render.sarif import (
    FINGERPRINT_KEY,
    SARIF_SCHEMA,
    SARIF_VERSION,
    fingerprint,
    rule_descriptor,
    tool,
)

# Audit severities as SARIF levels and as the 0.0-10.0 scores code scanning sorts by.
AUDIT_LEVELS = {"high": "error", "medium": "error", "low": "warning", "info": "note"}
SECURITY_SEVERITY = {"high": "8.1", "medium": "5.3", "low": "3.1", "info": "0.0"}


def _audit_result(finding: AuditFinding, url: str, rule_index: int, show_secrets: bool) -> dict[str, Any]:
    from cors_doctor.render.audit.evidence import curl_command, evidence_lines

    text = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": AUDIT_LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": url}}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding.code, url, *finding.origins)},
        "properties": {
            "severity": finding.severity,
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "impact": finding.impact,
            "origins": list(finding.origins),
            "credentials": finding.credentials,
            "evidence": [line for o in finding.evidence for line in evidence_lines(o, show_secrets)],
            "reproduce": curl_command(finding.evidence[0], show_secrets) if finding.evidence else None,
        },
    }


def audit_log(results: Sequence[AuditResult], exit_code: int, show_secrets: bool = False) -> dict[str, Any]:
    """The SARIF log of one audit run: every finding of every URL; unreachable URLs as notifications."""
    codes = sorted({f.code for r in results for f in r.findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = [rule_descriptor(code) for code in codes]
    order = list(SECURITY_SEVERITY)
    for rule in rules:
        # Code scanning ranks alerts by the rule's score: the worst this run saw for the code.
        worst = min((f.severity for r in results for f in r.findings if f.code == rule["id"]), key=order.index)
        rule.setdefault("properties", {})["security-severity"] = SECURITY_SEVERITY[worst]
    sarif_results = [_audit_result(f, r.url, index[f.code], show_secrets) for r in results for f in r.findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{r.url} could not be audited: {r.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.url}}}],
        }
        for r in results
        if r.error is not None
    ]
    invocation = {
        "executionSuccessful": not notifications,
        "exitCode": exit_code,
        "toolExecutionNotifications": notifications,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": tool(rules),
                "automationDetails": {"id": "cors-doctor/audit/"},
                "invocations": [invocation],
                "results": sarif_results,
            }
        ],
    }


def render_audit(results: Sequence[AuditResult], exit_code: int, show_secrets: bool = False) -> str:
    return json.dumps(audit_log(results, exit_code, show_secrets), indent=2, ensure_ascii=False)
