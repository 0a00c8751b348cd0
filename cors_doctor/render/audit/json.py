"""`cors-doctor audit --json`: one object on stdout, the contract in docs/audit.md.

Findings have the shape of `check --json` findings (code, severity, title, message, fix, rule,
step, docs) plus evidence, impact, reproduce, origins and credentials.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cors_doctor.audit.model import SEVERITIES, AuditFinding, AuditResult, ProbeOutcome
from cors_doctor.render.audit.evidence import curl_command, evidence_lines

SCHEMA_VERSION = 1


def finding_dict(f: AuditFinding, show_secrets: bool = False) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "title": f.title,
        "message": f.message,
        "fix": f.fix,
        "rule": f.rule,
        "step": f.context,
        "docs": f.docs,
        "impact": f.impact,
        "evidence": [line for o in f.evidence for line in evidence_lines(o, show_secrets)],
        "reproduce": curl_command(f.evidence[0], show_secrets) if f.evidence else None,
        "origins": list(f.origins),
        "credentials": f.credentials,
    }


def _probe_dict(o: ProbeOutcome) -> dict[str, Any]:
    return {
        "kind": o.probe.crafted.kind if o.probe.crafted else o.probe.purpose,
        "method": o.probe.method,
        "url": o.probe.url,
        "origin": o.probe.origin,
        "status": o.response.status if o.response is not None else None,
        "allow_origin": o.allow_origin,
        "allow_credentials": o.header("Access-Control-Allow-Credentials"),
        "vary": o.header("Vary"),
        "accepted": o.accepted,
        "error": o.error,
    }


def result_dict(r: AuditResult, show_secrets: bool = False) -> dict[str, Any]:
    return {
        "url": r.url,
        "audited": r.error is None,
        "error": r.error,
        "status": r.status,
        "trusted_origins": [
            {
                "origin": t.origin,
                "source": t.source,
                "allowed": t.allowed,
                "credentials": t.credentials,
                "preflight_allowed": t.preflight_allowed,
            }
            for t in r.trusted
        ],
        "requests": r.requests_sent,
        "failed_requests": r.failed_requests,
        "counts": {s: r.count(s) for s in SEVERITIES},
        "findings": [finding_dict(f, show_secrets) for f in r.findings],
        "notes": list(r.notes),
        "probes": [_probe_dict(o) for o in r.outcomes],
    }


# Up to this many URLs the object is indented for people; above it, it is printed on one line,
# because indenting means Python's slow pure-Python encoder (seconds for thousands of URLs).
INDENT_UP_TO = 20


def render(results: Sequence[AuditResult], fail_on: str, exit_code: int, show_secrets: bool = False) -> str:
    audited = [r for r in results if r.error is None]
    summary: dict[str, Any] = {
        "urls": len(results),
        "audited": len(audited),
        "not_audited": len(results) - len(audited),
    }
    summary.update({s: sum(r.count(s) for r in audited) for s in SEVERITIES})
    return json.dumps(
        {
            "version": SCHEMA_VERSION,
            "command": "audit",
            "fail_on": fail_on,
            "exit_code": exit_code,
            "summary": summary,
            "results": [result_dict(r, show_secrets) for r in results],
        },
        indent=2 if len(results) <= INDENT_UP_TO else None,
        ensure_ascii=False,
    )
