"""The pytest plugin, run as a user runs it: pytest in a fresh process on a generated test file.

The plugin arrives through the `pytest11` entry point (nothing in the generated files loads it),
the `cors` fixture checks the application in-process, and a failing assertion explains itself.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

APP = """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()


@app.put("/items")
def put_items(item: dict):
    return item


@app.get("/me")
def me():
    return {"user": "ada"}


app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"], allow_credentials=True,
                   allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])
"""


def test_the_fixture_comes_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_cors="""
from myapp import app


def test_front_end_can_save_items(cors):
    cors.assert_allowed(app, "/items", origin="http://localhost:5173", method="PUT",
                        headers={"Content-Type": "application/json"}, credentials=True, actual=True)


def test_strangers_cannot_read_with_cookies(cors):
    cors.assert_blocked(app, "/me", origin="https://evil.example", credentials=True)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_failing_assertion_prints_the_verdict(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_cors="""
from myapp import app


def test_delete_is_allowed(cors):
    cors.assert_allowed(app, "/items", origin="http://localhost:5173", method="DELETE", credentials=True)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "expected the browser to allow this request, but it blocks it" in out
    assert "DELETE http://testserver/items  from http://localhost:5173  (Chrome, credentials: include)" in out
    assert "✘ Preflight has an ok status (2xx)" in out
    # The browser's console message, byte for byte, the finding and the fix for the framework of the app.
    assert (
        "Access to fetch at 'http://testserver/items' from origin 'http://localhost:5173' has been blocked by "
        "CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok "
        "status."
    ) in out
    assert "CD601 error Starlette's CORSMiddleware refused the preflight with 400 'Disallowed CORS method'" in out
    assert "Fix for FastAPI / Starlette (CORSMiddleware)" in out
    assert "DELETE" in out.split("Fix for FastAPI")[1]


def test_async_tests_under_anyio_on_asyncio_and_trio(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_cors="""
import pytest
import sniffio

from myapp import app


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


@pytest.mark.anyio
async def test_awaited_in_the_running_loop(cors, anyio_backend):
    verdict = await cors.assert_allowed_async(app, "/items", origin="http://localhost:5173", method="PUT",
                                              headers={"Content-Type": "application/json"}, credentials=True,
                                              actual=True)
    assert verdict.verified
    await cors.assert_blocked_async(app, "/me", origin="https://evil.example", credentials=True)
    assert sniffio.current_async_library() == anyio_backend


@pytest.mark.anyio
async def test_the_sync_helper_inside_a_running_loop(cors, anyio_backend):
    cors.assert_blocked(app, "/me", origin="https://evil.example", credentials=True)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_unittest_users_get_the_same_assertions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_cors="""
import unittest

from cors_doctor.testing import CorsAssertionError, assert_allowed, assert_blocked
from myapp import app


class CorsTests(unittest.TestCase):
    def test_front_end(self):
        assert_allowed(app, "/me", origin="http://localhost:5173", credentials=True)

    def test_stranger(self):
        with self.assertRaises(CorsAssertionError) as caught:
            assert_allowed(app, "/me", origin="https://evil.example", credentials=True)
        self.assertIn("No 'Access-Control-Allow-Origin' header is present", str(caught.exception))
        self.assertFalse(caught.exception.verdict.allowed)
        assert_blocked(app, "/me", origin="https://evil.example", credentials=True)
"""
    )
    result = pytester.runpython_c(
        "import unittest, sys; sys.argv = ['unittest', 'test_cors']; unittest.main(module=None)"
    )
    assert "Ran 2 tests" in result.stderr.str()
    assert result.ret == 0, result.stderr.str()
