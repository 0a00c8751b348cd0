"""The pytest plugin (entry point `pytest11`): a `cors` fixture for CORS assertions.

    def test_front_end_can_save_items(cors):
        cors.assert_allowed(app, "/items", origin="http://localhost:5173", method="PUT",
                            headers={"Content-Type": "application/json"}, credentials=True, actual=True)

Loaded in every pytest run once cors-doctor is installed, so it imports nothing of cors-doctor
until a test asks for the fixture, and it changes nothing in the test process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cors_doctor.api import Verdict


class CorsChecker:
    """What the `cors` fixture hands a test: cors_doctor.check and the assertions of
    cors_doctor.testing, with an application or a base URL first."""

    def check(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.api import check
        from cors_doctor.testing import split_target

        url, app = split_target(app_or_url, path)
        return check(url, app=app, **request)

    async def check_async(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.api import check_async
        from cors_doctor.testing import split_target

        url, app = split_target(app_or_url, path)
        return await check_async(url, app=app, **request)

    def assert_allowed(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.testing import assert_allowed

        __tracebackhide__ = True
        return assert_allowed(app_or_url, path, **request)

    def assert_blocked(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.testing import assert_blocked

        __tracebackhide__ = True
        return assert_blocked(app_or_url, path, **request)

    async def assert_allowed_async(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.testing import assert_allowed_async

        __tracebackhide__ = True
        return await assert_allowed_async(app_or_url, path, **request)

    async def assert_blocked_async(self, app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
        from cors_doctor.testing import assert_blocked_async

        __tracebackhide__ = True
        return await assert_blocked_async(app_or_url, path, **request)


@pytest.fixture
def cors() -> CorsChecker:
    """Check what a browser would allow against an application (in-process) or a base URL."""
    return CorsChecker()
