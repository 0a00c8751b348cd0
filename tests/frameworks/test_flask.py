"""Flask with flask-cors, served by `flask run`: diagnose, apply the suggested CORS(app, ...), re-check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
PUT_JSON = ("-X", "PUT", "--header", "Content-Type: application/json", "--data", "{}", "--actual")

APP = """\
from flask import Flask, jsonify, request

app = Flask(__name__)

@@CORS@@


@app.route("/api/items", methods=["GET", "PUT"])
def items():
    if request.method == "PUT":
        return jsonify(request.get_json(silent=True) or {})
    return jsonify(items=[1, 2, 3])
"""


def flask_run(port: int, directory: Path) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "main", "run", "--host", "127.0.0.1", "--port", str(port)]


@pytest.fixture
def flask_app(serve, tmp_path, cli) -> AppUnderTest:
    return AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework="flask",
        files={"main.py": APP},
        argv=flask_run,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_no_flask_cors_preflight_answered_by_flask(flask_app):
    flask_app.start()
    before = flask_app.check("/api/items", PAGE, *PUT_JSON)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert "from flask_cors import CORS" in snippet and f'origins=["{PAGE}"]' in snippet
    assert 'methods=["GET", "PUT"]' in snippet and 'allow_headers=["Content-Type"]' in snippet
    flask_app.recheck(before, "/api/items", PAGE, *PUT_JSON, cors=snippet)


def test_origin_not_in_the_list_with_credentials(flask_app):
    flask_app.start(
        cors='from flask_cors import CORS\n\nCORS(app, origins=["http://localhost:3000"], supports_credentials=True)'
    )
    before = flask_app.check("/api/items", PAGE, *PUT_JSON, "--credentials")
    assert not before.allowed and "CD301" in before.codes, before.explain()
    assert "supports_credentials=True" in before.fix["snippet"]
    flask_app.recheck(before, "/api/items", PAGE, *PUT_JSON, "--credentials", cors=before.fix["snippet"])


def test_default_origins_with_credentials_reflect_every_origin(flask_app):
    flask_app.start(cors="from flask_cors import CORS\n\nCORS(app, supports_credentials=True)")
    before = flask_app.check("/api/items", PAGE, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    cd607 = next(f for f in before.doc["findings"] if f["code"] == "CD607")
    assert "supports_credentials=True" in cd607["message"]
    assert f'origins=["{PAGE}"]' in before.fix["snippet"]
    after = flask_app.recheck(before, "/api/items", PAGE, "--credentials", cors=before.fix["snippet"])
    assert "CD607" not in after.codes


def test_flask_is_guessed_from_werkzeug(flask_app):
    flask_app.start()
    result = flask_app.check("/api/items", PAGE, *PUT_JSON, framework=None)
    assert result.framework["name"] == "flask" and result.framework["guessed"] is True
    assert any("Werkzeug" in e for e in result.framework["evidence"]), result.framework
    assert result.fix["framework"] == "flask"
