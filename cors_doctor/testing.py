"""Assertions for test suites: "the front end can do this", "a stranger cannot".

    from cors_doctor.testing import assert_allowed, assert_blocked

    assert_allowed(app, "/items", origin="http://localhost:5173", method="PUT",
                   headers={"Content-Type": "application/json"}, credentials=True, actual=True)
    assert_blocked(app, "/me", origin="https://evil.example", credentials=True)

The first argument is an ASGI or WSGI application (checked in this process, nothing is served)
or a base URL such as "http://127.0.0.1:8000" (checked over the network). A failing assertion's
message is the verdict as `cors-doctor check` prints it: the browser's steps, its console
message and the fix. The pytest plugin's `cors` fixture offers the same methods.
"""

from __future__ import annotations

from typing import Any

from cors_doctor.api import Verdict, check, check_async

__all__ = [
    "CorsAssertionError",
    "assert_allowed",
    "assert_allowed_async",
    "assert_blocked",
    "assert_blocked_async",
]


class CorsAssertionError(AssertionError):
    """A CORS expectation that the browser would not meet; `verdict` says why."""

    def __init__(self, message: str, verdict: Verdict) -> None:
        super().__init__(message)
        self.verdict = verdict


def split_target(app_or_url: Any, path: str) -> tuple[str, Any]:
    """The URL to check and the application to send it to (None: over the network)."""
    if isinstance(app_or_url, str):
        if not path:
            return app_or_url, None
        return app_or_url.rstrip("/") + "/" + path.lstrip("/"), None
    return path or "/", app_or_url


def _expect_allowed(verdict: Verdict) -> Verdict:
    if not verdict.allowed:
        raise CorsAssertionError(f"expected the browser to allow this request, but it blocks it:\n\n{verdict}", verdict)
    if not verdict.verified:
        raise CorsAssertionError(
            "expected the browser to allow this request; the preflight passes, but the browser judges the actual "
            f"reply too and it was not sent (pass actual=True):\n\n{verdict}",
            verdict,
        )
    return verdict


def _expect_blocked(verdict: Verdict) -> Verdict:
    if verdict.allowed:
        raise CorsAssertionError(f"expected the browser to block this request, but it allows it:\n\n{verdict}", verdict)
    return verdict


def assert_allowed(app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
    """Fail unless the browser lets page script read the reply (and that was verified).

    `request` takes the keywords of `cors_doctor.check` (origin, method, headers, credentials, ...)."""
    url, app = split_target(app_or_url, path)
    return _expect_allowed(check(url, app=app, **request))


def assert_blocked(app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
    """Fail unless the browser refuses to let page script read the reply."""
    url, app = split_target(app_or_url, path)
    return _expect_blocked(check(url, app=app, **request))


async def assert_allowed_async(app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
    """`assert_allowed` for async tests: an ASGI application runs in the test's own event loop."""
    url, app = split_target(app_or_url, path)
    return _expect_allowed(await check_async(url, app=app, **request))


async def assert_blocked_async(app_or_url: Any, path: str = "", /, **request: Any) -> Verdict:
    """`assert_blocked` for async tests."""
    url, app = split_target(app_or_url, path)
    return _expect_blocked(await check_async(url, app=app, **request))
