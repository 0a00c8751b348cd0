"""`har --live` against a fresh copy of the recorded site: every failed request ends with a diagnosis."""

from __future__ import annotations

import json

import pytest

from .conftest import RECORDINGS, path_of
from .site import CALLS

pytestmark = pytest.mark.integration


def live_json(cli, path, *args: str) -> tuple[int, dict]:
    result = cli("har", str(path), "--live", "--json", "--timeout", "5", *args)
    assert result.stderr == "", result.stderr
    return result.code, json.loads(result.stdout)


@pytest.mark.parametrize("name", RECORDINGS)
def test_each_failed_request_is_diagnosed_live_with_chromiums_reason(cli, site, moved, name):
    code, doc = live_json(cli, moved(name, site), "--actual")
    assert code == 1
    rows = {path_of(r["url"]): r for r in doc["requests"]}
    for call in CALLS:
        row = rows[call.path]
        if not call.blocked:
            assert row["verdict"] == "allowed"
            continue
        if row["verdict"] == "blocked":  # already diagnosed from the recorded preflight
            assert row["code"] == call.code and row["live"] is None
            continue
        assert row["verdict"] == "not-judged"
        live = row["live"]
        assert live is not None and live["verdict"] == "blocked", (call.path, live)
        assert live["code"] == call.code, (call.path, live)
    assert doc["summary"]["live"]["blocked"] >= 1


def test_credentials_the_har_does_not_show_are_found(cli, site, moved):
    """Playwright's HAR keeps no Cookie for the blocked /me: only the credentialed check fails."""
    _, doc = live_json(cli, moved("playwright.har", site))
    me = next(r for r in doc["requests"] if path_of(r["url"]) == "/me")
    assert me["credentials"] is False
    assert me["live"]["verdict"] == "blocked" and me["live"]["code"] == "CD305"
    assert me["live"]["credentials_assumed"] is True


def test_unsafe_methods_are_sent_only_with_actual(cli, site, moved):
    _, doc = live_json(cli, moved("playwright.har", site))
    form = next(r for r in doc["requests"] if path_of(r["url"]) == "/form")
    assert form["live"]["verdict"] == "skipped" and "--actual" in form["live"]["note"]
    _, doc = live_json(cli, moved("playwright.har", site), "--actual")
    form = next(r for r in doc["requests"] if path_of(r["url"]) == "/form")
    assert form["live"]["verdict"] == "blocked"
    assert {"CD301", "CD504"} <= {f["code"] for f in form["live"]["findings"]}  # the POST reached the server


def test_live_console_output(cli, site, moved):
    result = cli("har", str(moved("chromium-cdp.har", site)), "--live", "--timeout", "5")
    assert result.code == 1 and result.stderr == ""
    assert "live: BLOCKED CD304" in result.stdout  # /trailing-slash
    assert "Live checks:" in result.stdout


def test_unreachable_server_is_an_error_per_request_not_a_crash(cli, site, moved, tmp_path):
    path = moved("playwright.har", site)
    site.close()  # nothing listens on those ports any more
    code, doc = live_json(cli, path)
    assert code == 1
    errors = [r["live"] for r in doc["requests"] if r["live"] and r["live"]["verdict"] == "error"]
    assert errors and all("refused" in e["note"] or "connect" in e["note"] for e in errors)
