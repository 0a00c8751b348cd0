"""cors-doctor: would a browser allow this cross-origin request, and if not, why and how to fix it."""

from cors_doctor._exceptions import (
    ConnectError,
    CorsDoctorError,
    ProtocolError,
    TimeoutError_,
    TLSError,
    TransportError,
    UsageError,
)
from cors_doctor.evaluate import Simulation, evaluate
from cors_doctor.model import Exchange, Finding, OutgoingRequest, Plan, RequestSpec, Response, Step, Verdict
from cors_doctor.plan import build_plan

__version__ = "0.1.0"

__all__ = [
    "ConnectError", "CorsDoctorError", "Exchange", "Finding", "OutgoingRequest", "Plan", "ProtocolError",
    "RequestSpec", "Response", "Simulation", "Step", "TLSError", "TimeoutError_", "TransportError",
    "UsageError", "Verdict", "build_plan", "evaluate", "__version__",
]
