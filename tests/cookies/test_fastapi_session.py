"""A FastAPI app on 127.0.0.1 whose session cookie is SameSite=Lax: diagnosed, fixed with the
printed change, diagnosed again. The page runs on localhost, so page and API are cross-site."""

import ast
import json
import subprocess
import sys

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware

from tests._uvicorn import UvicornServer

pytestmark = pytest.mark.integration
PAGE = "http://localhost:5173"


def make_app(page: str = PAGE, **session_options) -> FastAPI:
    app = FastAPI()

    @app.get("/login")
    def login(request: Request) -> dict:
        request.session["user"] = "ada"
        return {"ok": True}

    @app.get("/me")
    def me(request: Request) -> dict:
        return {"user": request.session.get("user")}

    app.add_middleware(SessionMiddleware, secret_key="test-secret", **session_options)
    app.add_middleware(CORSMiddleware, allow_origins=[page], allow_credentials=True)
    return app


def check(url: str, *extra: str, page: str = PAGE) -> dict:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cors_doctor",
            "check",
            url,
            "--origin",
            page,
            "--credentials",
            "--json",
            "--framework",
            "fastapi",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def printed_session_options(snippet: str) -> dict:
    """The keyword arguments of the SessionMiddleware line the fix printed (secret_key is the app's own)."""
    line = next(x for x in snippet.splitlines() if x.startswith("app.add_middleware(SessionMiddleware"))
    call = ast.parse(line).body[0].value  # type: ignore[attr-defined]
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg != "secret_key"}


def test_lax_session_cookie_is_diagnosed_fixed_and_rechecked():
    server = UvicornServer(make_app())
    try:
        before = check(server.url + "/login")
    finally:
        server.close()
    assert before["allowed"] is True  # CORS passes: the cookie is the problem
    (session,) = before["cookies"]["set_cookies"]
    assert session["name"] == "session" and session["stored"] is False and session["sent"] is False
    assert [p["code"] for p in session["problems"]] == ["CD807"]
    assert "CD807" in {f["code"] for f in before["findings"]}
    fix = before["cookies"]["fix"]
    assert fix["framework"] == "fastapi"
    options = printed_session_options(fix["snippet"])
    assert options == {"same_site": "none", "https_only": True}

    server = UvicornServer(make_app(**options))
    try:
        after = check(server.url + "/login")
        blocked = check(server.url + "/login", "--third-party-cookies", "block")
        safari = check(server.url + "/login", "--browser", "safari")
    finally:
        server.close()
    (session,) = after["cookies"]["set_cookies"]
    assert session["stored"] is True and session["sent"] is True, session
    assert not {f["code"] for f in after["findings"]} & {"CD807", "CD808", "CD803", "CD804"}
    assert after["cookies"]["fix"] is not None  # still a third-party cookie: the same-site alternative
    # Where third-party cookies are blocked no attribute helps; the advice says so.
    (blocked_session,) = blocked["cookies"]["set_cookies"]
    assert blocked_session["stored"] is False
    assert any("localhost" in note for note in blocked["cookies"]["fix"]["notes"])
    # WebKit refuses Secure cookies over http on 127.0.0.1 and blocks third-party cookies anyway.
    codes = {p["code"] for p in safari["cookies"]["set_cookies"][0]["problems"]}
    assert {"CD804", "CD809"} <= codes


def test_console_output_shows_the_cookie_section_escaped():
    app = FastAPI()

    @app.get("/x")
    def x(response: Response) -> dict:
        response.headers.append("Set-Cookie", "[bold]evil=1; SameSite=Lax")
        return {}

    app.add_middleware(CORSMiddleware, allow_origins=[PAGE], allow_credentials=True)
    server = UvicornServer(app)
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "cors_doctor",
                "check",
                server.url + "/x",
                "--origin",
                PAGE,
                "--credentials",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.close()
    assert run.returncode == 0, run.stderr
    assert "Cookies (Chrome: SameSite Lax when absent" in run.stdout
    assert "[bold]evil: not stored" in run.stdout  # the markup-like name is printed, not interpreted
    assert "CD807" in run.stdout


@pytest.mark.browser
def test_chromium_keeps_the_session_only_after_the_printed_fix():
    """The same app in real Chromium: the Lax session is lost cross-site; with the printed change it
    holds where third-party cookies are allowed, and not where they are blocked, as check says."""
    from tests._loopback import LoopbackServer

    from .chromium import fetch_twice
    from .conftest import chromium_missing, need
    from .server import _page

    need(chromium_missing())
    with LoopbackServer(_page) as page_server:
        page = f"http://localhost:{page_server.port}"
        server = UvicornServer(make_app(page))
        try:
            before = check(server.url + "/login", page=page)
            lost = fetch_twice(page, server.url + "/login", server.url + "/me", "third-party-allowed")
        finally:
            server.close()
        options = printed_session_options(before["cookies"]["fix"]["snippet"])
        server = UvicornServer(make_app(page, **options))
        try:
            after = check(server.url + "/login", page=page)
            blocked = check(server.url + "/login", "--third-party-cookies", "block", page=page)
            kept = fetch_twice(page, server.url + "/login", server.url + "/me", "third-party-allowed")
            still_lost = fetch_twice(page, server.url + "/login", server.url + "/me", "default")
        finally:
            server.close()
    assert before["cookies"]["set_cookies"][0]["stored"] is False and json.loads(lost) == {"user": None}
    assert after["cookies"]["set_cookies"][0]["stored"] is True and json.loads(kept) == {"user": "ada"}
    # This Chromium's default profile blocks third-party cookies: no attribute helps, as check says.
    assert blocked["cookies"]["set_cookies"][0]["stored"] is False and json.loads(still_lost) == {"user": None}
