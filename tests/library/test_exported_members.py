"""The public names are pinned: adding or removing one must be a decision, seen in this list."""

from __future__ import annotations

import cors_doctor
import cors_doctor.testing

PUBLIC = {
    "CheckOptions",
    "CookieReport",
    "Code",
    "ConnectError",
    "CorsDoctorError",
    "Diagnosis",
    "Exchange",
    "Finding",
    "Fix",
    "OutgoingRequest",
    "Plan",
    "ProtocolError",
    "RequestSpec",
    "Response",
    "SendOptions",
    "Simulation",
    "Step",
    "TLSError",
    "TimeoutError_",
    "TransportError",
    "UsageError",
    "Verdict",
    "__version__",
    "build_plan",
    "check",
    "check_async",
    "cookie_report",
    "evaluate",
    "run_check",
    "run_check_async",
}


def test_all_is_the_pinned_list() -> None:
    assert set(cors_doctor.__all__) == PUBLIC
    assert len(cors_doctor.__all__) == len(PUBLIC)


def test_every_public_name_resolves() -> None:
    for name in cors_doctor.__all__:
        assert getattr(cors_doctor, name) is not None, name


def test_no_public_looking_module_attribute_is_left_out() -> None:
    names = {name for name in dir(cors_doctor) if not name.startswith("_")}
    # Submodules become attributes once imported; they are reached as cors_doctor.<module>, not listed.
    import types

    names = {n for n in names if not isinstance(getattr(cors_doctor, n), types.ModuleType)}
    assert names - set(cors_doctor.__all__) <= {"annotations", "importlib", "TYPE_CHECKING"}


def test_the_verdict_is_the_api_facade() -> None:
    from cors_doctor.api import Verdict
    from cors_doctor.model import Verdict as CoreVerdict

    assert cors_doctor.Verdict is Verdict and Verdict is not CoreVerdict


def test_testing_exports() -> None:
    assert set(cors_doctor.testing.__all__) == {
        "CorsAssertionError",
        "assert_allowed",
        "assert_allowed_async",
        "assert_blocked",
        "assert_blocked_async",
    }
