"""cors-doctor: would a browser allow this cross-origin request, and if not, why and how to fix it.

Public names are loaded on first use, so `cors-doctor --help` does not pay for the evaluator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "CorsDoctorError": "cors_doctor.errors",
    "UsageError": "cors_doctor.errors",
    "TransportError": "cors_doctor.errors",
    "ConnectError": "cors_doctor.errors",
    "TLSError": "cors_doctor.errors",
    "TimeoutError_": "cors_doctor.errors",
    "ProtocolError": "cors_doctor.errors",
    "Code": "cors_doctor.rules.codes",
    "CheckOptions": "cors_doctor.pipeline",
    "Diagnosis": "cors_doctor.diagnosis",
    "SendOptions": "cors_doctor.net",
    "run_check": "cors_doctor.pipeline",
    "run_check_async": "cors_doctor.pipeline",
    "RequestSpec": "cors_doctor.model",
    "Plan": "cors_doctor.model",
    "OutgoingRequest": "cors_doctor.model",
    "Response": "cors_doctor.model",
    "Exchange": "cors_doctor.model",
    "Finding": "cors_doctor.model",
    "Step": "cors_doctor.model",
    "Verdict": "cors_doctor.model",
    "build_plan": "cors_doctor.plan",
    "Simulation": "cors_doctor.evaluate",
    "evaluate": "cors_doctor.evaluate",
}
__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from cors_doctor.errors import (  # noqa: F401
        ConnectError, CorsDoctorError, ProtocolError, TimeoutError_, TLSError, TransportError, UsageError,
    )
    from cors_doctor.evaluate import Simulation, evaluate  # noqa: F401
    from cors_doctor.model import (  # noqa: F401
        Exchange, Finding, OutgoingRequest, Plan, RequestSpec, Response, Step, Verdict,
    )
    from cors_doctor.plan import build_plan  # noqa: F401
    from cors_doctor.diagnosis import Diagnosis  # noqa: F401
    from cors_doctor.net import SendOptions  # noqa: F401
    from cors_doctor.pipeline import CheckOptions, run_check, run_check_async  # noqa: F401
    from cors_doctor.rules.codes import Code  # noqa: F401


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'cors_doctor' has no attribute {name!r}")
