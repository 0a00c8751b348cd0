"""The check pipeline over the network layer: what actually goes over HTTP (mocked with respx)."""

from __future__ import annotations

import httpx
import pytest
import respx

from cors_doctor.errors import ConnectError, TimeoutError_
from cors_doctor.model import Plan, Verdict
from cors_doctor.net import SendOptions, SyncSender, _wire
from cors_doctor.pipeline import CheckOptions, drive

from ._support import API, API_ORIGIN, PAGE, THIRD, make_plan

CORS_OK = {
    "Access-Control-Allow-Origin": PAGE,
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Allow-Methods": "GET, PUT",
    "Access-Control-Allow-Headers": "Authorization, X-Custom",
}


@pytest.fixture
def router():
    """Every request must hit a mocked route; nothing leaves the process."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mocked:
        yield mocked


def _options(**kw) -> CheckOptions:
    return CheckOptions(actual=kw.pop("send_actual", False), **kw)


def probe(plan: Plan, options: CheckOptions) -> Verdict:
    with SyncSender(SendOptions(timeout=5.0, trust_env=False)) as sender:
        return drive(plan, sender.exchange, options)


def test_the_preflight_is_sent_without_credentials_and_the_actual_request_with_them(router):
    route = router.route(url=API).mock(return_value=httpx.Response(200, headers=CORS_OK))
    plan = make_plan("GET", [("Authorization", "Bearer secret"), ("X-Custom", "1")], credentials=True)
    verdict = probe(plan, _options(cookie="session=abc"))
    assert verdict.allowed
    preflight, actual = (call.request for call in route.calls)
    assert preflight.method == "OPTIONS"
    assert "cookie" not in preflight.headers and "authorization" not in preflight.headers
    assert "x-custom" not in preflight.headers
    assert preflight.headers["access-control-request-headers"] == "authorization,x-custom"
    assert preflight.headers["origin"] == PAGE
    assert preflight.content == b""
    assert actual.method == "GET"
    assert actual.headers["cookie"] == "session=abc"
    assert actual.headers["authorization"] == "Bearer secret"
    assert actual.headers["origin"] == PAGE


def test_a_cookie_set_by_one_reply_never_reaches_a_later_preflight(router):
    final = API_ORIGIN + "/v1/final"
    first = router.put(API).mock(
        return_value=httpx.Response(307, headers={**CORS_OK, "Location": final, "Set-Cookie": "tracker=1; Path=/"})
    )
    router.options(API).mock(return_value=httpx.Response(204, headers=CORS_OK))
    final_route = router.route(url=final).mock(return_value=httpx.Response(200, headers=CORS_OK))
    verdict = probe(make_plan("PUT", body="x"), _options(send_actual=True))
    assert verdict.allowed
    assert first.call_count == 1
    hop_preflight, hop_put = (call.request for call in final_route.calls)
    assert hop_preflight.method == "OPTIONS" and "cookie" not in hop_preflight.headers
    assert hop_put.method == "PUT" and "cookie" not in hop_put.headers


def test_redirects_are_followed_by_the_simulation_not_by_httpx(router):
    target = THIRD + "/items"
    router.get(API).mock(
        return_value=httpx.Response(302, headers={"Location": target, "Access-Control-Allow-Origin": PAGE})
    )
    third = router.get(target).mock(return_value=httpx.Response(200, headers={"Access-Control-Allow-Origin": "*"}))
    verdict = probe(make_plan("GET"), _options())
    assert verdict.allowed
    assert [(hop.request.url, hop.response.status) for hop in verdict.actual_hops] == [(API, 302), (target, 200)]
    assert third.calls.last.request.headers["origin"] == "null"


def test_a_put_without_send_actual_sends_only_the_preflight(router):
    options_route = router.options(API).mock(return_value=httpx.Response(204, headers=CORS_OK))
    put_route = router.put(API).mock(return_value=httpx.Response(200, headers=CORS_OK))
    verdict = probe(make_plan("PUT", body="x"), _options())
    assert options_route.call_count == 1
    assert put_route.call_count == 0
    assert verdict.allowed and not verdict.actual_sent


class _EndlessBody(httpx.SyncByteStream):
    """A 64 MiB body served in 4 KiB chunks; counts how much of it was pulled."""

    def __init__(self) -> None:
        self.pulled = 0

    def __iter__(self):
        for _ in range(16384):
            self.pulled += 4096
            yield b"x" * 4096


def test_the_probe_reads_at_most_body_cap_bytes(router):
    body = _EndlessBody()
    router.get(API).mock(
        side_effect=lambda request: httpx.Response(200, headers={"Access-Control-Allow-Origin": "*"}, stream=body)
    )
    verdict = probe(make_plan("GET"), _options())
    assert verdict.allowed
    assert body.pulled <= _wire.BODY_CAP + 4096
    assert len(verdict.actual_hops[0].response.body_excerpt) <= _wire.EXCERPT_CHARS


def test_a_head_request_reads_no_body(router):
    body = _EndlessBody()
    router.head(API).mock(
        side_effect=lambda request: httpx.Response(200, headers={"Access-Control-Allow-Origin": "*"}, stream=body)
    )
    assert probe(make_plan("HEAD"), _options()).allowed
    assert body.pulled == 0


def test_connection_errors_become_one_cors_doctor_error(router):
    router.get(API).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(ConnectError, match="refused"):
        probe(make_plan("GET"), _options())


def test_timeouts_become_one_cors_doctor_error(router):
    router.get(API).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(TimeoutError_, match="did not answer"):
        probe(make_plan("GET"), _options())


def test_duplicated_header_lines_reach_the_verdict_unmerged(router):
    router.get(API).mock(
        return_value=httpx.Response(
            200,
            headers=[
                ("Access-Control-Allow-Origin", PAGE),
                ("access-control-allow-origin", PAGE),
            ],
        )
    )
    verdict = probe(make_plan("GET"), _options())
    assert not verdict.allowed
    assert [f.code for f in verdict.errors] == ["CD302"]
