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
    "Verdict": "cors_doctor.api",
    "Fix": "cors_doctor.api",
    "check": "cors_doctor.api",
    "check_async": "cors_doctor.api",
    "build_plan": "cors_doctor.plan",
    "Simulation": "cors_doctor.evaluate",
    "evaluate": "cors_doctor.evaluate",
    "cookie_report": "cors_doctor.cookies",
    "CookieReport": "cors_doctor.cookies",
}
__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from cors_doctor.api import Fix, Verdict, check, check_async
    from cors_doctor.cookies import CookieReport, cookie_report
    from cors_doctor.diagnosis import Diagnosis
    from cors_doctor.errors import (
        ConnectError,
        CorsDoctorError,
        ProtocolError,
        TimeoutError_,
        TLSError,
        TransportError,
        UsageError,
    )
    from cors_doctor.evaluate import Simulation, evaluate
    from cors_doctor.model import (
        Exchange,
        Finding,
        OutgoingRequest,
        Plan,
        RequestSpec,
        Response,
        Step,
    )
    from cors_doctor.net import SendOptions
    from cors_doctor.pipeline import CheckOptions, run_check, run_check_async
    from cors_doctor.plan import build_plan
    from cors_doctor.rules.codes import Code


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'cors_doctor' has no attribute {name!r}")
