"""`cors-doctor explain` as a user runs it: argument or stdin, several messages, exit codes, --json."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

from .conftest import chromium_console

CASES = chromium_console()
MISSING = next(line for line in CASES["acao-missing"] if "CORS policy" in line)
PREFLIGHT_401 = next(line for line in CASES["pf-status-401-with-cors"] if "CORS policy" in line)
FIREFOX = (
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
    "http://127.0.0.1:8000/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500."
)
SAFARI = (
    "[Error] Origin http://localhost:5173 is not allowed by Access-Control-Allow-Origin. Status code: 404\n"
    "[Error] Fetch API cannot load http://127.0.0.1:8000/items due to access control checks.\n"
    "[Error] Failed to load resource: Origin http://localhost:5173 is not allowed by Access-Control-Allow-Origin. "
    "Status code: 404 (items, line 0)"
)


def run_stdin(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cors_doctor", "explain", *args],
        input=text,
        text=True,
        capture_output=True,
        timeout=60,
        cwd=REPO,
        env={"NO_COLOR": "1", "COLUMNS": "250", "PATH": "/usr/bin:/bin"},
    )


def test_message_as_argument(cli):
    result = cli("explain", MISSING)
    assert result.code == 0 and result.stderr == ""
    out = result.stdout
    assert "CD301 missing-allow-origin" in out
    assert "Checked:" in out and "Failed:" in out and "Fix:" in out
    assert "Reproduce: cors-doctor check http://127.0.0.1:8000/c/acao-missing/r --origin http://localhost:5173" in out


def test_message_on_stdin_with_console_noise():
    pasted = (
        "localhost/:1 " + MISSING + "\n"
        "127.0.0.1:8000/c/acao-missing/r:1  GET http://127.0.0.1:8000/c/acao-missing/r net::ERR_FAILED 200 (OK)\n"
        "Uncaught (in promise) TypeError: Failed to fetch\n    at main.js:12:5\n"
    )
    result = run_stdin(pasted)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("CD301") >= 1
    assert "status 200" in result.stdout  # taken from the net::ERR_FAILED line


def test_several_browsers_in_one_paste(cli):
    result = cli("explain", "--json", PREFLIGHT_401 + "\n" + FIREFOX + "\n" + SAFARI)
    assert result.code == 0
    doc = json.loads(result.stdout)
    assert [(e["browser"], e["code"]) for e in doc["explained"]] == [
        ("chrome", "CD202"),
        ("firefox", "CD301"),
        ("safari", "CD301"),
    ]
    safari = doc["explained"][2]
    assert safari["request"]["url"] == "http://127.0.0.1:8000/items" and safari["request"]["status"] == 404
    assert safari["also"] == ["CD304"]
    assert doc["unrecognised"] == []


def test_repeated_message_is_explained_once(cli):
    result = cli("explain", "--json", "\n".join([MISSING] * 3))
    doc = json.loads(result.stdout)
    assert len(doc["explained"]) == 1 and doc["explained"][0]["count"] == 3


def test_json_shape(cli):
    doc = json.loads(cli("explain", "--json", PREFLIGHT_401).stdout)
    e = doc["explained"][0]
    assert doc["version"] == 1
    assert e["code"] == "CD202" and e["name"] == "preflight-status" and e["rule"] == "PFV-3"
    assert e["docs"] == "https://cors-doctor.readthedocs.io/en/latest/rules/CD202/"
    assert e["request"]["preflight"] is True
    assert e["argv"][:3] == ["cors-doctor", "check", e["request"]["url"]]
    assert e["command"].startswith("cors-doctor check ")
    assert e["assumptions"] and e["check"] is None and e["framework_fix"] is None


def test_not_recognised_exits_1_with_the_closest_messages(cli):
    for text in ("TypeError: Failed to fetch", "The quick brown fox jumps over the lazy dog"):
        result = cli("explain", text)
        assert result.code == 1, text
        assert "Not a CORS error cors-doctor knows." in result.stdout
        assert "Closest known messages:" in result.stdout
    doc = json.loads(cli("explain", "--json", "TypeError: Failed to fetch").stdout)
    assert doc["explained"] == [] and len(doc["unrecognised"][0]["closest"]) == 3
    assert "no reason" in doc["unrecognised"][0]["note"]


def test_unknown_chrome_reason_is_not_explained_but_named(cli):
    text = "Access to fetch at 'http://a.test/x' from origin 'http://b.test' has been blocked by CORS policy: Something new."
    result = cli("explain", text)
    assert result.code == 1 and "a reason cors-doctor does not know" in result.stdout


def test_framework_fix(cli):
    result = cli("explain", "--framework", "express", PREFLIGHT_401)
    assert result.code == 0 and "Fix for Express" in result.stdout
    assert "http://localhost:5173" in result.stdout
    unknown = cli("explain", "--framework", "cobol", PREFLIGHT_401)
    assert unknown.code == 2 and "unknown --framework" in unknown.stderr and unknown.stdout == ""


def test_usage_errors(cli):
    assert cli("explain", "--origin", "localhost:3000", MISSING).code == 2
    assert cli("explain", "--method", "G ET", MISSING).code == 2
    empty = run_stdin("   \n")
    assert empty.returncode == 2 and "no console message given" in empty.stderr


def test_origin_option_fills_firefox_commands(cli):
    doc = json.loads(cli("explain", "--json", "--origin", "http://localhost:5173", FIREFOX).stdout)
    assert "--origin http://localhost:5173" in doc["explained"][0]["command"]
    assert "--browser firefox" in doc["explained"][0]["command"]
