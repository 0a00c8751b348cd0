"""FastAPI apps written the way tutorials write them, served by uvicorn: diagnose, apply the fix, re-check.

Each test starts the broken app, runs `cors-doctor check --json`, takes `fix.snippet` exactly as
printed, puts it in the app's CORS slot (the end of the module), restarts uvicorn and checks
again. The browser must then allow the request.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
JSON = ("--header", "Content-Type: application/json")

APP = """\
from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/items")
def list_items():
    return {"items": [1, 2, 3]}


@app.post("/items")
def create_item(item: dict):
    return item


@app.put("/items")
def replace_items(item: dict):
    return item


@app.get("/boom")
def boom():
    raise RuntimeError("the handler crashed")

@@EXTRA@@

@@CORS@@
"""

TUTORIAL_ORIGIN_LIST = """\
from fastapi.middleware.cors import CORSMiddleware

origins = [
    "http://localhost.tiangolo.com",
    "https://localhost.tiangolo.com",
    "http://localhost",
    "http://localhost:8080",
]

app.add_middleware(
    CORSMiddleware,
    allow_origins=origins,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
"""

HAND_WRITTEN = """\
@app.options("/orders")
def orders_preflight():
    return Response(status_code=200, headers={
        "Access-Control-Allow-Origin": "http://localhost:3000",
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "Content-Type, Authorization",
    })


@app.get("/orders")
def list_orders(response: Response):
    response.headers["Access-Control-Allow-Origin"] = "http://localhost:3000"
    return {"orders": []}
"""


def cors_middleware(**arguments: str) -> str:
    args = "".join(f"    {name}={value},\n" for name, value in arguments.items())
    return f"from fastapi.middleware.cors import CORSMiddleware\n\napp.add_middleware(\n    CORSMiddleware,\n{args})\n"


def uvicorn(port: int, directory: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


@pytest.fixture
def fastapi_app(serve, tmp_path, cli) -> AppUnderTest:
    return AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework="fastapi",
        files={"main.py": APP},
        argv=uvicorn,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_a_no_middleware_frontend_on_8000(fastapi_app):
    fastapi_app.start()
    before = fastapi_app.check(
        "/items", "http://localhost:8000", "-X", "POST", *JSON, "--data", "{}", "--actual", framework="fastapi"
    )
    assert not before.allowed
    assert {"CD301", "CD605"} <= before.codes, before.explain()
    assert 'allow_origins=["http://localhost:8000"]' in before.fix["snippet"]
    assert 'allow_methods=["GET", "POST"]' in before.fix["snippet"]
    fastapi_app.recheck(
        before,
        "/items",
        "http://localhost:8000",
        "-X",
        "POST",
        *JSON,
        "--data",
        "{}",
        "--actual",
        cors=before.fix["snippet"],
    )


def test_a_simple_get_without_middleware(fastapi_app):
    fastapi_app.start()
    before = fastapi_app.check("/items", "http://localhost:8000")
    assert not before.allowed and "CD301" in before.codes
    fastapi_app.recheck(before, "/items", "http://localhost:8000", cors=before.fix["snippet"])


def test_b_explicit_origin_list_from_an_unlisted_origin(fastapi_app):
    fastapi_app.start(cors=TUTORIAL_ORIGIN_LIST)
    listed = fastapi_app.check("/items", "http://localhost:8080", "--credentials")
    assert listed.allowed, listed.explain()
    assert "CD607" not in listed.codes, "an explicit list is not origin reflection"
    before = fastapi_app.check("/items", PAGE, "--credentials", framework="fastapi")
    assert not before.allowed and "CD301" in before.codes, before.explain()
    assert "allow_credentials=True" in before.fix["snippet"]
    fastapi_app.recheck(before, "/items", PAGE, "--credentials", cors=before.fix["snippet"])


def test_b_methods_default_to_get_only(fastapi_app):
    fastapi_app.start(cors=cors_middleware(allow_origins=f'["{PAGE}"]'))
    flags = ("-X", "PUT", *JSON, "--header", "Authorization: Bearer t", "--data", "{}", "--actual")
    before = fastapi_app.check("/items", PAGE, *flags, framework="fastapi")
    assert not before.allowed
    assert {"CD202", "CD601", "CD603"} <= before.codes, before.explain()
    cd601 = next(f for f in before.doc["findings"] if f["code"] == "CD601")
    assert "allow_methods" in cd601["message"] and "allow_headers" in cd601["message"]
    assert 'allow_methods=["GET", "PUT"]' in before.fix["snippet"]
    fastapi_app.recheck(before, "/items", PAGE, *flags, cors=before.fix["snippet"])


def test_c_wildcard_everything_without_credentials_is_allowed(fastapi_app):
    fastapi_app.start(cors=cors_middleware(allow_origins='["*"]', allow_methods='["*"]', allow_headers='["*"]'))
    result = fastapi_app.check("/items", PAGE, "-X", "PUT", *JSON, "--data", "{}", "--actual")
    assert result.allowed, result.explain()
    assert result.fix is None


def test_c_wildcard_everything_with_credentials(fastapi_app):
    fastapi_app.start(cors=cors_middleware(allow_origins='["*"]', allow_methods='["*"]', allow_headers='["*"]'))
    before = fastapi_app.check("/items", PAGE, "--credentials", framework="fastapi")
    assert not before.allowed and "CD305" in before.codes, before.explain()
    code = "\n".join(line.split("#")[0] for line in before.fix["snippet"].splitlines())
    assert f'allow_origins=["{PAGE}"]' in code and "allow_credentials=True" in code and '"*"' not in code
    fastapi_app.recheck(before, "/items", PAGE, "--credentials", cors=before.fix["snippet"])


def test_c_wildcard_with_allow_credentials_reflects_every_origin(fastapi_app):
    fastapi_app.start(
        cors=cors_middleware(
            allow_origins='["*"]', allow_credentials="True", allow_methods='["*"]', allow_headers='["*"]'
        )
    )
    before = fastapi_app.check("/items", PAGE, "--credentials", framework="fastapi")
    assert before.allowed  # the browser allows it: that is the problem
    assert "CD607" in before.codes, before.explain()
    assert before.fix is not None and f'allow_origins=["{PAGE}"]' in before.fix["snippet"]
    after = fastapi_app.recheck(before, "/items", PAGE, "--credentials", cors=before.fix["snippet"])
    assert "CD607" not in after.codes


def test_d_one_origin_with_credentials(fastapi_app):
    fastapi_app.start(
        cors=cors_middleware(
            allow_origins='["http://example.com"]',
            allow_credentials="True",
            allow_methods='["*"]',
            allow_headers='["*"]',
        )
    )
    flags = ("-X", "PUT", *JSON, "--data", "{}", "--actual")
    with_credentials = fastapi_app.check("/items", "http://example.com", *flags, "--credentials")
    assert with_credentials.allowed and "CD607" not in with_credentials.codes, with_credentials.explain()
    without = fastapi_app.check("/items", "http://example.com", *flags)
    assert without.allowed, without.explain()
    before = fastapi_app.check("/items", PAGE, *flags, "--credentials", framework="fastapi")
    assert not before.allowed and {"CD301", "CD601"} <= before.codes, before.explain()
    assert "allow_credentials=True" in before.fix["snippet"]
    fastapi_app.recheck(before, "/items", PAGE, *flags, "--credentials", cors=before.fix["snippet"])


def test_e_hand_written_options_handler(fastapi_app):
    fastapi_app.start(extra=HAND_WRITTEN)
    own = fastapi_app.check("/orders", "http://localhost:3000")
    assert own.allowed, own.explain()
    flags = ("--header", "Authorization: Bearer t")
    before = fastapi_app.check("/orders", PAGE, *flags, framework="fastapi")
    assert not before.allowed and {"CD304", "CD608"} <= before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert f'allow_origins=["{PAGE}", "http://localhost:3000"]' in snippet
    assert any("@app.options" in note for note in before.fix["notes"])
    fastapi_app.recheck(before, "/orders", PAGE, *flags, cors=before.fix["snippet"], extra=HAND_WRITTEN)


def test_unhandled_exception_500_hides_behind_cors(fastapi_app):
    fastapi_app.start(cors=cors_middleware(allow_origins=f'["{PAGE}"]'))
    before = fastapi_app.check("/boom", PAGE, framework="fastapi")
    assert not before.allowed and {"CD301", "CD308", "CD602"} <= before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert "app = CORSMiddleware(" in snippet and "add_middleware" not in snippet
    after = fastapi_app.recheck(before, "/boom", PAGE, cors=before.fix["snippet"])
    assert after.doc["actual"]["hops"][-1]["status"] == 500  # the browser now shows the real error


def test_framework_is_guessed_from_the_replies(fastapi_app):
    fastapi_app.start()
    result = fastapi_app.check("/items", PAGE, "-X", "PUT", *JSON, framework=None)
    assert result.framework["name"] == "fastapi" and result.framework["guessed"] is True
    assert any("uvicorn" in e for e in result.framework["evidence"])
    assert any("Method Not Allowed" in e for e in result.framework["evidence"])
    assert result.fix["framework"] == "fastapi"
