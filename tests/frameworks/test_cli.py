"""`check --framework`: validation, aliases, the guess and its evidence in console and JSON output."""

from __future__ import annotations

import json

PAGE = "http://localhost:5173"


def no_cors(request):
    return 404, [("Content-Type", "text/html"), ("X-Powered-By", "Express")], b"<pre>Cannot OPTIONS /items</pre>"


def test_unknown_framework_is_one_line_and_exit_2(cli):
    result = cli("check", "http://127.0.0.1:9/items", "--origin", PAGE, "--framework", "rails")
    assert result.code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        "cors-doctor: error: unknown --framework 'rails'; choose one of: fastapi, flask, django, "
        "express, nginx, apache, caddy, spring, aspnet, go"
    )
    assert "Traceback" not in result.stderr


def test_chosen_framework_alias_in_json(cli, loopback_server):
    server = loopback_server(no_cors)
    result = cli("check", server.url + "/items", "--origin", PAGE, "-X", "PUT", "--framework", "Starlette", "--json")
    assert result.code == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["framework"] == {
        "name": "fastapi",
        "title": "FastAPI / Starlette (CORSMiddleware)",
        "guessed": False,
        "evidence": ["chosen with --framework fastapi"],
    }
    assert doc["fix"]["framework"] == "fastapi" and doc["fix"]["parts"][0]["where"] == "module"
    assert doc["fix"]["snippet"] == doc["fix"]["parts"][0]["text"]


def test_guess_and_evidence_in_json(cli, loopback_server):
    server = loopback_server(no_cors)
    doc = json.loads(cli("check", server.url + "/items", "--origin", PAGE, "-X", "PUT", "--json").stdout)
    assert doc["framework"]["name"] == "express" and doc["framework"]["guessed"] is True
    assert "X-Powered-By: Express" in doc["framework"]["evidence"]
    assert {"CD301", "CD605"} <= {f["code"] for f in doc["findings"]}
    assert list(doc)[-2:] == ["framework", "fix"]


def test_console_shows_the_guess_and_every_part(cli, loopback_server):
    server = loopback_server(no_cors)
    guessed = cli("check", server.url + "/items", "--origin", PAGE, "-X", "PUT")
    assert guessed.code == 1
    assert "Framework: Express (the cors package) (guessed; --framework NAME to choose)" in guessed.stdout
    assert "• X-Powered-By: Express" in guessed.stdout
    assert "CD605" in guessed.stdout and "app.use(cors({" in guessed.stdout
    chosen = cli("check", server.url + "/items", "--origin", PAGE, "-X", "PUT", "--framework", "nginx")
    assert "Framework:" not in chosen.stdout  # the user chose it: nothing to explain
    assert "in the http {} block" in chosen.stdout and "inside the location block that serves /items" in chosen.stdout
    assert "map $http_origin $cors_allow_origin {" in chosen.stdout


def test_demo_still_suggests_fixes(cli):
    result = cli("demo", timeout=120)
    assert result.code == 0, result.stderr
    assert "Fix for FastAPI / Starlette (CORSMiddleware)" in result.stdout
