"""`cors-doctor har` on HAR files recorded from real Chromium: every verdict matches what Chromium did."""

from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES, RECORDINGS, har_entries, path_of, recorded_origins
from .site import BY_PATH, CALLS


def run_json(cli, *args: str) -> tuple[int, dict]:
    result = cli("har", *args, "--json")
    assert result.stderr == "", result.stderr
    return result.code, json.loads(result.stdout)


def by_path(doc: dict) -> dict[str, dict]:
    return {path_of(row["url"]): row for row in doc["requests"]}


@pytest.mark.parametrize("name", RECORDINGS)
def test_every_call_of_the_page_is_listed_once_with_chromiums_outcome(cli, name):
    code, doc = run_json(cli, str(FIXTURES / name))
    assert code == 1  # the page has blocked requests
    rows = by_path(doc)
    assert len(doc["requests"]) == len(rows) == len(CALLS)
    for call in CALLS:
        row = rows[call.path]
        assert row["origin"] == recorded_origins()["page"]
        if call.blocked:
            assert row["verdict"] in ("blocked", "not-judged"), call.path
            assert row["recorded_error"] == "net::ERR_FAILED"
            assert row["check"], call.path
        else:
            assert row["verdict"] == "allowed", (call.path, row)
            assert row["recorded_error"] is None


def test_blocked_ones_come_first(cli):
    _, doc = run_json(cli, str(FIXTURES / "chromium-cdp.har"))
    order = [row["verdict"] for row in doc["requests"]]
    assert order == sorted(order, key=["blocked", "not-judged", "allowed"].index)


def test_devtools_layout_preflights_are_judged_offline(cli):
    """Chrome records each preflight as an entry of its own: a failed preflight is diagnosed from it."""
    _, doc = run_json(cli, str(FIXTURES / "chromium-cdp.har"))
    rows = by_path(doc)
    for call in CALLS:
        if call.blocked and call.preflight:
            row = rows[call.path]
            assert row["verdict"] == "blocked", (call.path, row)
            assert row["judged_from"] == "har" and row["preflight"] == "recorded"
            assert row["code"] == call.code, (call.path, row["code"])
            assert row["browser_message"].startswith(f"Access to fetch at '{row['url']}' from origin")
    assert doc["summary"]["preflights"] == sum(1 for c in CALLS if c.preflight)
    assert doc["summary"]["preflights_unpaired"] == 0


def test_blocked_without_a_reply_is_said_so_with_the_reproducing_check(cli):
    _, doc = run_json(cli, str(FIXTURES / "playwright.har"))
    origins = recorded_origins()
    rows = by_path(doc)
    delete = rows["/items/1"]
    assert delete["verdict"] == "not-judged" and delete["preflight"] == "not-recorded"
    assert "no record of its preflight" in delete["note"]
    assert delete["check"] == f"cors-doctor check {origins['api']}/items/1 --origin {origins['page']} --method DELETE"
    form = rows["/form"]  # a simple POST: only the request itself can show the failure
    assert form["check"].endswith("--actual")
    assert "--method POST" in form["check"]


def test_the_page_origin_comes_from_the_har_when_origin_was_not_recorded(cli):
    """Playwright keeps only provisional headers (no Origin) for a blocked request."""
    blocked = {
        path_of(e["request"]["url"])
        for e in har_entries("playwright.har")
        if e["response"]["status"] == -1 and not any(h["name"].lower() == "origin" for h in e["request"]["headers"])
    }
    assert blocked == {c.path for c in CALLS if c.blocked}
    _, doc = run_json(cli, str(FIXTURES / "playwright.har"))
    for row in doc["requests"]:
        if path_of(row["url"]) in blocked:
            assert row["origin"] == recorded_origins()["page"]


def test_allowed_requests_carry_their_findings(cli):
    _, doc = run_json(cli, str(FIXTURES / "chromium-cdp.har"))
    rows = by_path(doc)
    ok = rows["/ok"]
    assert ok["verdict"] == "allowed"
    assert any(f["code"] == "CD501" and "x-request-id" in f["message"] for f in ok["findings"])
    assert rows["/profile"]["credentials"] is True  # the Cookie header was recorded
    assert rows["/moved"]["redirects"] == 1


def test_playwright_leaves_preflights_out_yet_an_allowed_put_is_judged(cli):
    _, doc = run_json(cli, str(FIXTURES / "playwright.har"))
    put = by_path(doc)["/items"]
    assert put["verdict"] == "allowed" and put["preflight"] == "not-recorded"
    assert "the browser went on to send the request" in put["note"]


def test_same_origin_and_no_cors_requests_are_counted_not_listed(cli):
    _, doc = run_json(cli, str(FIXTURES / "playwright.har"))
    summary = doc["summary"]
    assert summary["same_origin"] == 2  # the page itself and /local.json
    assert summary["no_cors"] == 1  # the <img>
    assert summary["cors_requests"] == len(CALLS)
    assert summary["failed_in_browser"] == sum(c.blocked for c in CALLS)


def test_secrets_are_masked_unless_asked(cli):
    masked = cli("har", str(FIXTURES / "chromium-cdp.har"), "--no-color")
    assert "recorded-token" not in masked.stdout and "Authorization: Bearer ••••••" in masked.stdout
    shown = cli("har", str(FIXTURES / "chromium-cdp.har"), "--show-secrets")
    assert "Authorization: Bearer recorded-token" in shown.stdout


def test_console_output_lists_and_summarises(cli):
    result = cli("har", str(FIXTURES / "chromium-cdp.har"))
    assert result.code == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(("BLOCKED", "FAILED", "ALLOWED")))
    assert lines[first].startswith("BLOCKED")
    assert "Summary: 14 cross-origin CORS requests: 4 blocked" in result.stdout
    assert "Run with --live" in result.stdout


def test_browser_is_taken_from_the_har_and_can_be_overridden(cli, tmp_path):
    doc = json.loads((FIXTURES / "chromium-cdp.har").read_text(encoding="utf-8"))
    doc["log"]["browser"] = {"name": "Firefox", "version": "145.0"}
    path = tmp_path / "firefox.har"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _, judged = run_json(cli, str(path))
    assert judged["browser"] == "firefox"
    blocked = [r for r in judged["requests"] if r["verdict"] == "blocked"]
    assert blocked and all(r["browser_message"].startswith("Cross-Origin Request Blocked") for r in blocked)
    _, chrome = run_json(cli, str(path), "--browser", "chrome")
    assert chrome["browser"] == "chrome"


def test_a_har_where_everything_passed_exits_0(cli, tmp_path):
    doc = json.loads((FIXTURES / "chromium-cdp.har").read_text(encoding="utf-8"))
    doc["log"]["entries"] = [
        e
        for e in doc["log"]["entries"]
        if not BY_PATH.get(path_of(e["request"]["url"])) or not BY_PATH[path_of(e["request"]["url"])].blocked
    ]
    path = tmp_path / "fine.har"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, judged = run_json(cli, str(path))
    assert code == 0
    assert {r["verdict"] for r in judged["requests"]} == {"allowed"}
