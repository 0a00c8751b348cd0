"""`ci --format sarif`: a SARIF 2.1.0 log with one result per case that failed or could not be
checked, located at the policy file and the line of its check, so the alert lands on the policy
in the repository. `SarifStream` writes it as outcomes arrive (like the JSON and JUnit reporters),
so a run of any size keeps no results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO, Any

from cors_doctor.ci.outcome import Outcome, Tally
from cors_doctor.links import docs_page, rule_url
from cors_doctor.render.sarif import (
    FINGERPRINT_KEY,
    SARIF_SCHEMA,
    SARIF_VERSION,
    fingerprint,
    tool,
)

# `ci` outcomes are not findings of one code; each kind of failure is a rule of its own.
CI_RULES = {
    "fail": (
        "cors-policy-expectation",
        "A CORS expectation of the policy does not hold",
        (
            "The browser's verdict for this URL and origin differs from what the policy expects "
            "(allowed where it must be blocked, blocked where it must be allowed, or a cache or "
            "exposed-header expectation not met)."
        ),
    ),
    "error": (
        "cors-policy-not-checked",
        "A policy entry could not be checked",
        (
            "The target could not be asked (unreachable, timeout, broken HTTP), so the policy was "
            "not shown to hold for it."
        ),
    ),
}


def _ci_rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": title},
            "fullDescription": {"text": text},
            "helpUri": docs_page("ci.md"),
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["cors", "policy"]},
        }
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
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(rule_id, outcome.check, outcome.method, outcome.url, outcome.origin)
        },
        "properties": {
            "check": outcome.check,
            "method": outcome.method,
            "url": outcome.url,
            "origin": outcome.origin,
            "expect": outcome.expect,
            "allowed": outcome.allowed,
            "browser_message": outcome.browser_message,
            "findings": [f.code for f in outcome.findings],
        },
    }


def ci_log(outcomes: Iterable[Outcome], policy_file: str, exit_code: int, shard: str | None = None) -> dict[str, Any]:
    """The whole SARIF log of a ci run at once (SarifStream writes the same log incrementally)."""
    results = [r for o in outcomes if (r := ci_result(o, policy_file)) is not None]
    return json.loads(_ci_head(policy_file, shard) + ",\n".join(json.dumps(r) for r in results) + _ci_tail(exit_code))


def _ci_head(policy_file: str, shard: str | None) -> str:
    automation = f"cors-doctor/ci/{policy_file}/" + (f"shard-{shard.replace('/', '-of-')}" if shard else "")
    head = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION}
    run = {"tool": tool(_ci_rules()), "automationDetails": {"id": automation}}
    return (
        json.dumps(head, ensure_ascii=False)[:-1]
        + ', "runs": ['
        + json.dumps(run, ensure_ascii=False)[:-1]
        + ', "results": ['
    )


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
