"""`explain --run`: the reproducing check runs against the real (loopback) server the message names."""

from __future__ import annotations

import json

import pytest

from .conftest import chromium_console

pytestmark = pytest.mark.integration
CASES = chromium_console()
PAGE = "http://localhost:5173"


def chromium_line(case_id: str, url: str) -> str:
    """The line Chromium printed for a conformance case, pointed at `url` instead."""
    line = next(line for line in CASES[case_id] if "CORS policy" in line)
    return line.replace(f"http://127.0.0.1:8000/c/{case_id}/r", url)


def no_cors(request):
    return 200, [("Content-Type", "application/json")], b"{}"


def with_cors(request):
    origin = request.header("Origin") or ""
    return 200, [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")], b"{}"


def preflight_401(request):
    if request.method == "OPTIONS":
        return 401, [("Access-Control-Allow-Origin", request.header("Origin") or "")], b""
    return with_cors(request)


def test_still_blocked_prints_the_same_console_message(cli, loopback_server):
    server = loopback_server(no_cors)
    line = chromium_line("acao-missing", server.url + "/items")
    result = cli("explain", "--run", line)
    assert result.code == 1, result.stderr
    assert "BLOCKED" in result.stdout
    assert result.stdout.count(line) >= 1  # the check prints Chrome's console message, identical
    assert [r.method for r in server.received] == ["GET"]


def test_fixed_server_exits_0(cli, loopback_server):
    server = loopback_server(with_cors)
    result = cli("explain", "--run", chromium_line("acao-missing", server.url + "/items"))
    assert result.code == 0 and "ALLOWED" in result.stdout


def test_preflight_message_runs_a_preflight(cli, loopback_server):
    server = loopback_server(preflight_401)
    line = chromium_line("pf-status-401-with-cors", server.url + "/items")
    result = cli("explain", "--run", "--json", line)
    assert result.code == 1, result.stderr
    check = json.loads(result.stdout)["explained"][0]["check"]
    assert check["exit_code"] == 1
    assert check["result"]["browser_message"] == line
    assert [r.method for r in server.received] == ["OPTIONS"]  # nothing but the preflight was sent


def test_the_request_itself_is_sent_only_with_actual(cli, loopback_server):
    server = loopback_server(no_cors)
    url = server.url + "/form"
    pasted = chromium_line("acao-missing", url) + f"\nPOST {url} net::ERR_FAILED 201 (Created)"
    refused = cli("explain", "--run", pasted)
    assert refused.code == 2 and "pass --actual" in refused.stderr
    assert server.received == []
    sent = cli("explain", "--run", "--actual", pasted)
    assert sent.code == 1
    assert [r.method for r in server.received] == ["POST"]


def test_firefox_message_needs_the_origin_to_run(cli, loopback_server):
    server = loopback_server(no_cors)
    text = (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        f"{server.url}/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."
    )
    missing = cli("explain", "--run", text)
    assert missing.code == 2 and "pass --origin" in missing.stderr
    result = cli("explain", "--run", "--json", "--origin", PAGE, text)
    check = json.loads(result.stdout)["explained"][0]["check"]
    assert result.code == 1 and check["result"]["browser"] == "firefox"
    assert check["result"]["browser_message"] == text


def test_unreachable_server(cli):
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/items"
    result = cli("explain", "--run", "--timeout", "3", chromium_line("acao-missing", url))
    assert result.code == 2 and "refused" in result.stderr
