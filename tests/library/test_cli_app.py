"""`cors-doctor check --app main:app`: an application checked without serving it."""

from __future__ import annotations

import json
from pathlib import Path

FASTAPI_MAIN = """
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()


@app.put("/items")
def put_items(item: dict):
    return item


app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"], allow_methods=["GET", "PUT"],
                   allow_headers=["Content-Type"])
"""

FLASK_WEB = """
from flask import Flask
from flask_cors import CORS

application = Flask(__name__)


@application.get("/me")
def me():
    return {"user": "ada"}


CORS(application, origins=["http://localhost:5173"], supports_credentials=True)
"""

PUT_JSON = ("-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}")


def test_an_asgi_app_by_import_string(cli, tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(FASTAPI_MAIN)
    base = ("check", "/items", "--app", "main:app", "--app-dir", str(tmp_path), "-o", "http://localhost:5173")
    allowed = cli(*base, *PUT_JSON, "--actual", "--json")
    assert allowed.code == 0, allowed.stderr
    report = json.loads(allowed.stdout)
    assert report["allowed"] is True and report["request"]["url"] == "http://testserver/items"
    unverified = cli(*base, *PUT_JSON[:4])
    assert unverified.code == 3 and "NOT VERIFIED" in unverified.stdout
    stranger = cli(
        "check",
        "/items",
        "--app",
        "main:app",
        "--app-dir",
        str(tmp_path),
        "-o",
        "https://evil.example",
        *PUT_JSON,
        "--actual",
    )
    assert stranger.code == 1
    assert "Access to fetch at 'https://testserver/items' from origin 'https://evil.example'" in stranger.stdout
    assert "Fix for FastAPI / Starlette (CORSMiddleware)" in stranger.stdout


def test_a_wsgi_app_in_a_package_attribute(cli, tmp_path: Path) -> None:
    (tmp_path / "web.py").write_text(FLASK_WEB)
    run = cli(
        "check",
        "http://api.local/me",
        "--app",
        "web:application",
        "--app-dir",
        str(tmp_path),
        "-o",
        "http://localhost:5173",
        "--credentials",
        "--brief",
    )
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("ALLOWED") and "http://api.local/me" in run.stdout


def test_bad_import_strings_are_usage_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(FASTAPI_MAIN)
    (tmp_path / "broken.py").write_text("raise RuntimeError('no database')\n")
    for import_string, fragment in [
        ("main", 'must be "module:attribute"'),
        ("nowhere:app", "no module 'nowhere'"),
        ("main:api", "has no attribute 'api'"),
        ("broken:app", "RuntimeError: no database"),
    ]:
        run = cli("check", "/items", "--app", import_string, "--app-dir", str(tmp_path), "-o", "http://localhost:5173")
        assert run.code == 2, (import_string, run.stdout)
        assert fragment in run.stderr and "Traceback" not in run.stderr, run.stderr
        assert len(run.stderr.strip().splitlines()) <= 2
