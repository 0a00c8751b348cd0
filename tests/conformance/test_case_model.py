"""The case model itself: request fields, follow-ups, the page's log split, and what a single
CLI check predicts for a follow-up (no browser, no server)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .cases import CASES
from .compare import later_preflights
from .model import Request, simple
from .page import page_expression, split_log
from .server import LoggedRequest


def test_the_suite_has_at_least_250_cases_with_unique_ids():
    assert len(CASES) >= 250
    assert len({c.id for c in CASES}) == len(CASES)


def test_ported_cases_name_a_wpt_file_and_a_test_title():
    ported = [c for c in CASES if c.wpt]
    assert len(ported) >= 40
    for case in ported:
        path, _, title = case.wpt.partition(": ")
        assert path.startswith(("fetch/api/cors/", "cors/")), case.id
        assert path.endswith((".js", ".htm", ".html")) and title, case.id


@pytest.mark.parametrize(
    "fields",
    [
        {"client": "beacon"},
        {"mode": "navigate"},
        {"client": "xhr", "mode": "no-cors"},
        {"client": "xhr", "keepalive": True},
        {"upload_listener": True},
    ],
)
def test_request_fields_that_page_script_cannot_express_are_refused(fields):
    with pytest.raises(ValueError):
        Request(**fields)


def test_a_case_lists_its_follow_up_requests_after_its_own():
    case = replace(simple("x", "t", method="PUT", body="b"), then=(Request("PUT", body="b", credentials=True),))
    assert [r.credentials for r in case.requests()] == [False, True]
    assert case.request_summary() == "PUT, body 'b'; then PUT, credentials: include, body 'b'"


def test_the_page_script_is_one_expression_with_the_case_data():
    text = page_expression({"url": "http://127.0.0.1:1/c/x/r", "steps": [], "markUrl": "m", "timeoutMs": 1})
    assert text.startswith("(async (") and '"markUrl": "m"' in text


def _logged(role: str, target: str, method: str = "GET") -> LoggedRequest:
    return LoggedRequest(role, method, target, (), b"")


def test_the_log_is_cut_at_the_page_separator_requests():
    log = [
        _logged("api", "/c/x/r", "OPTIONS"),
        _logged("api", "/c/x/r"),
        _logged("page", "/c/x/mark-1"),
        _logged("api", "/c/x/r"),
    ]
    first, second = split_log(log)
    assert [r.method for r in first] == ["OPTIONS", "GET"]
    assert [r.method for r in second] == ["GET"]


def _doc(passed: bool | None, seconds: int | None) -> dict:
    return {"preflight": {"passed": passed, "cache_seconds": seconds}}


def test_a_single_check_predicts_the_preflight_cache():
    plain = replace(simple("c", "t", method="PUT", body="b"), then=(Request("PUT", body="b"),))
    upgrade = replace(plain, then=(Request("PUT", body="b", credentials=True),))
    assert later_preflights(plain, _doc(True, 5)) == [False]  # cached
    assert later_preflights(plain, _doc(True, 0)) == [True]  # Max-Age 0
    assert later_preflights(plain, _doc(False, None)) == [True]  # a failed preflight is not cached
    assert later_preflights(upgrade, _doc(True, 600)) == [True]  # keyed by credentials mode
    assert later_preflights(plain, {"preflight": None}) == [False]  # no preflight at all


def test_the_older_fetch_init_refuses_cases_it_cannot_express():
    from .cases import BY_ID
    from .page import fetch_init

    assert fetch_init(BY_ID["cred-exact-true"]) == {"method": "GET", "headers": [], "credentials": "include"}
    for case_id in ("xhr-get", "nocors-get-no-acao", "keepalive-get", "cache-600"):
        with pytest.raises(ValueError):
            fetch_init(BY_ID[case_id])
