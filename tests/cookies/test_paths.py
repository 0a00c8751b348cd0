"""Every path that builds a verdict carries the cookie findings: a live probe (library API), a HAR."""

from __future__ import annotations

import io
import json

import pytest

from cors_doctor import CheckOptions, RequestSpec, SendOptions, cookie_report, run_check
from cors_doctor.har.judge import HarJudge
from cors_doctor.har.stream import HarReader

PAGE = "http://localhost:5173"


def _reply(set_cookie: str):
    def respond(request):
        return (
            200,
            [
                ("Access-Control-Allow-Origin", request.header("Origin") or ""),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
                ("Set-Cookie", set_cookie),
            ],
            b"{}",
        )

    return respond


@pytest.mark.integration
def test_library_run_check_with_credentials_reports_cookies(loopback_server):
    server = loopback_server(_reply("sid=1; Secure; HttpOnly"))
    spec = RequestSpec(url=server.url + "/login", origin=PAGE, credentials=True)
    diagnosis = run_check(spec, SendOptions(timeout=5), CheckOptions(cookie="old=1; SameSite=Strict"))
    verdict = diagnosis.verdict
    assert verdict.allowed
    assert {"CD808", "CD807"} <= {f.code for f in verdict.findings}
    assert server.received[-1].header("Cookie") == "old=1"  # attributes are not sent
    (sid,) = diagnosis.cookies.set_cookies
    assert (sid.name, sid.stored, sid.same_site) == ("sid", False, "lax (default)")
    (old,) = diagnosis.cookies.held
    assert (old.name, old.sent) == ("old", False)
    assert diagnosis.cookie_fix is not None and 'samesite="none", secure=True' in diagnosis.cookie_fix.snippet
    # The verdict alone (without what --cookie said about the attributes) still judges the Set-Cookie.
    assert [j.name for j in cookie_report(verdict).set_cookies] == ["sid"]


@pytest.mark.integration
def test_library_run_check_judges_under_a_chosen_third_party_setting(loopback_server):
    server = loopback_server(_reply("sid=1; Secure; SameSite=None"))
    spec = RequestSpec(url=server.url + "/login", origin=PAGE, credentials=True)
    allowed = run_check(spec, SendOptions(timeout=5))
    blocked = run_check(spec, SendOptions(timeout=5), CheckOptions(third_party_cookies="block"))
    assert allowed.cookies.set_cookies[0].stored and not blocked.cookies.set_cookies[0].stored
    assert "CD809" in {f.code for f in blocked.verdict.findings}


def _har(cookie: str | None) -> dict:
    headers = [{"name": "Origin", "value": PAGE}] + ([{"name": "Cookie", "value": cookie}] if cookie else [])
    response_headers = [
        ("Access-Control-Allow-Origin", PAGE),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
        ("Set-Cookie", "session=abc; SameSite=Lax"),
    ]
    entry = {
        "startedDateTime": "2026-12-03T10:00:00.000Z",
        "time": 1,
        "_resourceType": "fetch",
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
        "request": {
            "method": "GET",
            "url": "http://127.0.0.1:8000/login",
            "httpVersion": "HTTP/1.1",
            "headers": headers,
            "cookies": [],
            "queryString": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": n, "value": v} for n, v in response_headers],
            "content": {"size": 0, "mimeType": "text/plain"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 0,
        },
    }
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [entry]}}


def _judge_har(doc: dict) -> dict:
    rows: list[dict] = []
    HarJudge(HarReader(io.BytesIO(json.dumps(doc).encode()), "cookies.har", chunk=997), rows.append).run()
    (row,) = rows
    return row


def test_har_entry_with_credentials_gets_the_cookie_judgement():
    row = _judge_har(_har("old=1"))
    assert row["credentials"] is True and row["verdict"] == "allowed"
    assert [f["code"] for f in row["findings"]] == ["CD807"]


def test_har_does_not_claim_set_cookie_was_ignored_when_the_credentials_mode_is_unknown():
    row = _judge_har(_har(None))
    assert row["credentials"] is False and "CD801" not in [f["code"] for f in row["findings"]]
