"""cors_doctor.check / check_async: the public API, its answer object and what it leaves alone."""

from __future__ import annotations

import sys

import pytest

import cors_doctor
from cors_doctor.errors import UsageError

from .apps import FASTAPI_CONFIGS, PAGE

JSON = {"Content-Type": "application/json"}


def _recording_app(seen: list[dict]) -> object:
    """A bare ASGI app that records each scope and answers every request permissively."""

    async def app(scope, receive, send):
        seen.append(scope)
        await receive()
        origin = dict(scope["headers"]).get(b"origin", b"*")
        await send(
            {
                "type": "http.response.start",
                "status": 204 if scope["method"] == "OPTIONS" else 200,
                "headers": [
                    (b"access-control-allow-origin", origin),
                    (b"access-control-allow-methods", b"patch"),
                    (b"access-control-allow-headers", b"content-type"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def test_the_url_decides_host_and_origin_comparison() -> None:
    seen: list[dict] = []
    verdict = cors_doctor.check(
        "http://api.local:8080/items?x=1",
        origin="http://localhost:5173",
        method="patch",
        headers=[("Content-Type", "application/json")],
        body="{}",
        actual=True,
        app=_recording_app(seen),
    )
    assert verdict.allowed and verdict.verified
    preflight, actual = seen
    assert preflight["method"] == "OPTIONS" and actual["method"] == "patch"  # as fetch() sends it
    assert (actual["path"], actual["query_string"], actual["scheme"]) == ("/items", b"x=1", "http")
    assert actual["headers"][0] == (b"host", b"api.local:8080")
    assert (b"content-length", b"2") in actual["headers"]
    assert verdict.preflight is not None and verdict.preflight.request.method == "OPTIONS"


def test_a_path_takes_the_scheme_of_the_page() -> None:
    seen: list[dict] = []
    cors_doctor.check("/me", origin="https://evil.example", app=_recording_app(seen))
    assert seen[0]["scheme"] == "https" and dict(seen[0]["headers"])[b"host"] == b"testserver"


def test_the_verdict_carries_the_fix_and_the_console_message() -> None:
    app = FASTAPI_CONFIGS["wildcard"]()
    verdict = cors_doctor.check(
        "/items", origin=PAGE, method="PUT", headers=JSON, credentials=True, body="{}", actual=True, app=app
    )
    assert not verdict.allowed
    assert verdict.browser_message is not None and "'*' when the request's credentials mode" in verdict.browser_message
    assert verdict.fix is not None and verdict.fix.framework == "fastapi"
    _framework, text = verdict.fix
    assert "allow_credentials=True" in text
    assert [f.code for f in verdict.findings] == ["CD305"]
    assert all(f.severity and f.message and f.fix for f in verdict.findings)


def test_not_verified_without_actual() -> None:
    verdict = cors_doctor.check(
        "/items", origin=PAGE, method="PUT", headers=JSON, app=FASTAPI_CONFIGS["one-origin-credentials"]()
    )
    assert verdict.allowed and not verdict.verified
    with pytest.raises(UsageError, match="actual"):
        cors_doctor.check("/items", origin=PAGE, method="POST", body="x", app=FASTAPI_CONFIGS["wildcard"]())


def test_str_is_what_the_cli_prints(served, cli) -> None:
    base = served(FASTAPI_CONFIGS["origin-list"](), "asgi")
    args = {"origin": PAGE, "method": "PUT", "headers": JSON, "credentials": True, "body": '{"a": 1}', "actual": True}
    verdict = cors_doctor.check(base + "/items", **args)
    printed = cli(
        "check",
        base + "/items",
        "--origin",
        PAGE,
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "--credentials",
        "--data",
        '{"a": 1}',
        "--actual",
        "--no-color",
    )
    assert printed.code == 1
    assert str(verdict) == printed.stdout
    assert "BLOCKED" in str(verdict)


def test_an_in_process_check_changes_nothing_in_the_process() -> None:
    import h11._readers

    pattern = h11._readers.header_field_re
    modules = set(sys.modules)
    cors_doctor.check("/items", origin=PAGE, app=FASTAPI_CONFIGS["wildcard"]())
    assert h11._readers.header_field_re is pattern
    assert "httpx._main" not in sys.modules or sys.modules["httpx._main"] is not None
    assert not any(name.startswith(("socket", "ssl")) for name in set(sys.modules) - modules)


async def _async_check() -> cors_doctor.Verdict:
    return await cors_doctor.check_async(
        "/items",
        origin=PAGE,
        method="PUT",
        headers=JSON,
        credentials=True,
        body="{}",
        actual=True,
        app=FASTAPI_CONFIGS["one-origin-credentials"](),
    )


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_check_async_runs_in_the_callers_loop(backend: str) -> None:
    import anyio
    import sniffio

    async def main() -> tuple[cors_doctor.Verdict, str]:
        verdict = await _async_check()
        return verdict, sniffio.current_async_library()

    verdict, library = anyio.run(main, backend=backend)
    assert verdict.allowed and verdict.verified and library == backend


def test_a_slow_handler_times_out_and_an_endless_body_is_cut() -> None:
    import anyio

    async def endless(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"access-control-allow-origin", b"*")]})
        while True:
            await send({"type": "http.response.body", "body": b"data: tick\n\n", "more_body": True})
            await anyio.sleep(0.5)

    async def silent(scope, receive, send):
        await anyio.sleep(60)

    verdict = cors_doctor.check("/events", origin=PAGE, app=endless, timeout=5)
    assert verdict.allowed
    with pytest.raises(cors_doctor.TimeoutError_, match="did not start its reply"):
        cors_doctor.check("/events", origin=PAGE, app=silent, timeout=0.3)


def test_an_in_process_check_opens_no_socket(monkeypatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an in-process check opened a socket")

    app = FASTAPI_CONFIGS["one-origin-credentials"]()
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    verdict = cors_doctor.check(
        "https://api.example.com/items",
        origin=PAGE,
        method="PUT",
        headers=JSON,
        credentials=True,
        body="{}",
        actual=True,
        app=app,
    )
    assert verdict.allowed


def test_check_async_with_a_wsgi_app_and_headers_from_an_iterator() -> None:
    import anyio

    from .apps import flask_app

    app = flask_app()

    async def main() -> cors_doctor.Verdict:
        pairs = iter([("Content-Type", "application/json")])
        return await cors_doctor.check_async(
            "/items", origin=PAGE, method="PUT", headers=pairs, credentials=True, body="{}", actual=True, app=app
        )

    verdict = anyio.run(main)
    assert verdict.allowed and verdict.verified
    assert verdict.preflight is not None
    assert ("Access-Control-Request-Headers", "content-type") in verdict.preflight.request.headers


def test_bad_arguments_are_usage_errors() -> None:
    app = FASTAPI_CONFIGS["wildcard"]()
    with pytest.raises(UsageError, match="unknown framework 'rails'"):
        cors_doctor.check("/items", origin=PAGE, app=app, framework="rails")
    with pytest.raises(UsageError, match="unknown browser"):
        cors_doctor.check("/items", origin=PAGE, app=app, browser="opera")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="headers must be"):
        cors_doctor.check("/items", origin=PAGE, app=app, headers=[("X-A", 1)])  # type: ignore[list-item]
