"""SARIF 2.1.0 logs of `audit` and `ci`, for code-scanning UIs (GitHub code scanning and others).

Pure functions from results to JSON-ready dicts; `SarifStream` writes the `ci` log as outcomes
arrive, like the JSON and JUnit reporters, so a run of any size keeps no results.

- audit: one result per finding; the location is the audited URL (there is no source file), the
  rule is the finding code with its page on the docs site, and `security-severity` carries the
  audit severity so code scanning ranks it.
- ci: one result per case that failed or could not be checked; the location is the policy file
  and the line of the check, so the alert lands on the policy in the repository.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from cors_doctor.links import DOCS_URL, docs_page, rule_url

if TYPE_CHECKING:
    from cors_doctor.audit import AuditFinding, AuditResult
    from cors_doctor.outcome import Outcome, Tally

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "corsDoctor/v1"

# Audit severities as SARIF levels and as the 0.0-10.0 scores code scanning sorts by.
AUDIT_LEVELS = {"high": "error", "medium": "error", "low": "warning", "info": "note"}
SECURITY_SEVERITY = {"high": "8.1", "medium": "5.3", "low": "3.1", "info": "0.0"}
CHECK_LEVELS = {"error": "error", "warning": "warning", "info": "note"}

# `ci` outcomes are not findings of one code; each kind of failure is a rule of its own.
CI_RULES = {
    "fail": ("cors-policy-expectation", "A CORS expectation of the policy does not hold",
             ("The browser's verdict for this URL and origin differs from what the policy expects "
             "(allowed where it must be blocked, blocked where it must be allowed, or a cache or "
             "exposed-header expectation not met).")),
    "error": ("cors-policy-not-checked", "A policy entry could not be checked",
              ("The target could not be asked (unreachable, timeout, broken HTTP), so the policy was "
              "not shown to hold for it.")),
}


def _tool(rules: list[dict[str, Any]]) -> dict[str, Any]:
    from cors_doctor import __version__

    return {"driver": {
        "name": "cors-doctor", "semanticVersion": __version__, "version": __version__,
        "informationUri": DOCS_URL, "rules": rules,
    }}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def rule_descriptor(code: str) -> dict[str, Any]:
    """The reportingDescriptor of a finding code, from the rule catalog."""
    from cors_doctor.rules.catalog import RULES

    rule = RULES.get(code)
    if rule is None:
        return {"id": code, "helpUri": rule_url(code)}
    audit = code.startswith("CD7")
    tags = ["security", "cors"] if audit else ["cors"]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.meaning},
        "help": {"text": f"{rule.meaning}\n\n{rule.why}\n\nSee {rule_url(code)}",
                 "markdown": f"{rule.meaning}\n\n{rule.why}\n\n[{code} on the docs site]({rule_url(code)})"},
        "helpUri": rule_url(code),
        "defaultConfiguration": {"level": CHECK_LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": tags, "precision": "high"},
    }


def _audit_result(finding: AuditFinding, url: str, rule_index: int, show_secrets: bool) -> dict[str, Any]:
    from cors_doctor.render.audit_evidence import curl_command, evidence_lines

    text = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": AUDIT_LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": url}}}],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(finding.code, url, *finding.origins)},
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
        {"level": "error", "message": {"text": f"{r.url} could not be audited: {r.error}"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.url}}}]}
        for r in results if r.error is not None
    ]
    invocation = {"executionSuccessful": not notifications, "exitCode": exit_code,
                  "toolExecutionNotifications": notifications}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [{
        "tool": _tool(rules),
        "automationDetails": {"id": "cors-doctor/audit/"},
        "invocations": [invocation],
        "results": sarif_results,
    }]}


def render_audit(results: Sequence[AuditResult], exit_code: int, show_secrets: bool = False) -> str:
    return json.dumps(audit_log(results, exit_code, show_secrets), indent=2, ensure_ascii=False)


def _ci_rules() -> list[dict[str, Any]]:
    return [
        {"id": rule_id, "name": rule_id, "shortDescription": {"text": title}, "fullDescription": {"text": text},
         "helpUri": docs_page("ci.md"),
         "defaultConfiguration": {"level": "error"}, "properties": {"tags": ["cors", "policy"]}}
        for rule_id, title, text in CI_RULES.values()
    ]


def _artifact_uri(policy_file: str) -> str:
    """The policy file as a SARIF URI: relative paths stay relative to the repository root."""
    path = PurePosixPath(policy_file.replace("\\", "/"))
    if path.is_absolute():
        from pathlib import Path

        return Path(policy_file).as_uri()
    return str(path).removeprefix("./")


def ci_result(outcome: Outcome, policy_file: str) -> dict[str, Any] | None:
    """The SARIF result of one ci outcome; None when the case passed."""
    if outcome.status == "pass":
        return None
    rule_ids = list(CI_RULES)
    rule_id = CI_RULES[outcome.status][0]
    lines = [f"{outcome.title}: {outcome.summary}", *outcome.problems[1:]]
    lines += [f"{f.code} {f.severity}: {f.message} ({rule_url(f.code)})" for f in outcome.findings]
    location: dict[str, Any] = {"artifactLocation": {"uri": _artifact_uri(policy_file)}}
    if outcome.line:
        location["region"] = {"startLine": outcome.line}
    return {
        "ruleId": rule_id,
        "ruleIndex": rule_ids.index(outcome.status),
        "level": "error",
        "message": {"text": "\n".join(lines)},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(rule_id, outcome.check, outcome.method,
                                                              outcome.url, outcome.origin)},
        "properties": {
            "check": outcome.check, "method": outcome.method, "url": outcome.url, "origin": outcome.origin,
            "expect": outcome.expect, "allowed": outcome.allowed, "browser_message": outcome.browser_message,
            "findings": [f.code for f in outcome.findings],
        },
    }


def ci_log(outcomes: Iterable[Outcome], policy_file: str, exit_code: int, shard: str | None = None) -> dict[str, Any]:
    """The whole SARIF log of a ci run at once (SarifStream writes the same log incrementally)."""
    results = [r for o in outcomes if (r := ci_result(o, policy_file)) is not None]
    return json.loads(_ci_head(policy_file, shard) + ",\n".join(json.dumps(r) for r in results)
                      + _ci_tail(exit_code))


def _ci_head(policy_file: str, shard: str | None) -> str:
    automation = f"cors-doctor/ci/{policy_file}/" + (f"shard-{shard.replace('/', '-of-')}" if shard else "")
    head = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION}
    run = {"tool": _tool(_ci_rules()), "automationDetails": {"id": automation}}
    return (json.dumps(head, ensure_ascii=False)[:-1] + ', "runs": [' + json.dumps(run, ensure_ascii=False)[:-1]
            + ', "results": [')


def _ci_tail(exit_code: int) -> str:
    invocation = {"executionSuccessful": True, "exitCode": exit_code}
    return '], "invocations": [' + json.dumps(invocation) + "]}]}"


class SarifStream:
    """Writes the ci SARIF log to `out` as outcomes arrive (failed and unchecked cases only)."""

    def __init__(self, out: IO[str], policy_file: str, shard: str | None) -> None:
        self.out = out
        self.policy_file = policy_file
        self._first = True
        out.write(_ci_head(policy_file, shard))

    def add(self, outcome: Outcome) -> None:
        result = ci_result(outcome, self.policy_file)
        if result is None:
            return
        self.out.write(("\n  " if self._first else ",\n  ") + json.dumps(result, ensure_ascii=False))
        self._first = False

    def close(self, tally: Tally) -> None:
        self.out.write(_ci_tail(0 if tally.ok else 1) + "\n")
        self.out.flush()
