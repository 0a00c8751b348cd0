"""What the CLI puts on the wire is compared in full: nothing is filtered out of the server log.

A plain `check` (no --actual, no --json) must send nothing from a foreign origin and only
requests the browser itself sent; and the comparison must notice an extra request or header.
"""

from __future__ import annotations

import pytest

from .cases import BY_ID, CASES
from .cli import run_cli
from .compare import diff, from_cli, from_engine, wire

# Every credentialed case (where a reflection probe from another origin used to go out by
# itself), plus redirects and preflights: the shapes in which extra requests could hide.
PLAIN_CASES = [c.id for c in CASES if c.credentials or c.id.startswith(("redir-third", "pf-cred", "pf-status"))]


@pytest.mark.parametrize("case_id", PLAIN_CASES)
def test_plain_check_sends_nothing_from_a_foreign_origin(case_id, case_server, fixtures):
    case = BY_ID[case_id]
    run = run_cli(case, case_server, "chrome", extra=())
    assert run.returncode in (0, 1, 3), run.explain()
    assert run.foreign == [], run.foreign
    # and nothing the browser did not send: each request is one Chromium sent, in the same order
    browser = wire(case_server.origins.fill_deep(fixtures["chromium"]["cases"][case_id]["requests"]), case)
    sent = wire(run.requests, case)
    remaining = iter(browser)
    assert all(line in remaining for line in sent), (sent, browser)


def _request(method: str, origin: str | None, *extra: str, preflight: bool = False) -> dict:
    headers = ["Host: 127.0.0.1:1", "User-Agent: x", *extra]
    if origin is not None:
        headers.append(f"Origin: {origin}")
    return {
        "role": "api",
        "method": method,
        "path": "/c/acao-null/r",
        "preflight": preflight,
        "headers": headers,
        "body": "",
    }


def _engine_record(requests: list[dict]) -> dict:
    return {"allowed": True, "exposed_headers": [], "console_message": None, "requests": requests}


def _cli_doc() -> dict:
    return {"allowed": True, "exposed_headers": [], "browser_message": None}


def test_a_request_from_another_origin_is_a_difference():
    case = BY_ID["acao-null"]
    browser = [_request("GET", "http://localhost:1")]
    cli = [
        *browser,
        _request("OPTIONS", "https://cors-doctor-canary.invalid", "Access-Control-Request-Method: GET", preflight=True),
    ]
    diffs = diff(from_engine(_engine_record(browser), case), from_cli(_cli_doc(), 0, cli, case))
    assert {field for field, _, _ in diffs} == {"requests", "preflight", "acrm"}


def test_an_added_header_is_a_difference_and_browser_only_headers_are_not():
    case = BY_ID["acao-null"]
    browser = [_request("GET", "http://localhost:1", "Sec-Fetch-Mode: cors", "Accept-Language: de")]
    same = [_request("GET", "http://localhost:1", "Accept-Encoding: gzip")]
    added = [_request("GET", "http://localhost:1", "X-Probe: 1")]
    expected = from_engine(_engine_record(browser), case)
    assert diff(expected, from_cli(_cli_doc(), 0, same, case)) == []
    assert [f for f, _, _ in diff(expected, from_cli(_cli_doc(), 0, added, case))] == ["requests"]


def test_header_values_are_compared_byte_for_byte():
    case = BY_ID["acao-null"]
    browser = [_request("GET", "http://localhost:1", "Content-Type: text/plain;charset=UTF-8")]
    spaced = [_request("GET", "http://localhost:1", "content-type: text/plain; charset=UTF-8")]
    renamed = [_request("GET", "http://localhost:1", "content-type: text/plain;charset=UTF-8")]
    expected = from_engine(_engine_record(browser), case)
    assert [f for f, _, _ in diff(expected, from_cli(_cli_doc(), 0, spaced, case))] == ["requests"]
    assert diff(expected, from_cli(_cli_doc(), 0, renamed, case)) == []  # names: case-insensitive
