"""`audit`: which forged origins a server lets read, with evidence and exploitability-based severity.

make_target(url, origins, extra_headers, preflight_method) -> AuditTarget
audit(targets, batch, send, on_result) -> list[AuditResult]   (audit_async for async callers)
analyse(target, outcomes) -> AuditResult                      (pure: replies in, findings out)
"""

from __future__ import annotations

from cors_doctor.audit.findings import analyse
from cors_doctor.audit.model import (
    AuditFinding,
    AuditResult,
    AuditTarget,
    CraftedOrigin,
    Probe,
    ProbeOutcome,
    TrustedOrigin,
    TrustedStatus,
    crafted_origins,
    make_target,
    plan_probes,
    severity_rank,
)
from cors_doctor.audit.run import audit, audit_async

__all__ = [
    "AuditFinding",
    "AuditResult",
    "AuditTarget",
    "CraftedOrigin",
    "Probe",
    "ProbeOutcome",
    "TrustedOrigin",
    "TrustedStatus",
    "analyse",
    "audit",
    "audit_async",
    "crafted_origins",
    "make_target",
    "plan_probes",
    "severity_rank",
]
