"""The actual request: which response headers script can read (EXP-*) and redirects (RDR-*)."""

from __future__ import annotations

import pytest

from cors_doctor.evaluate import evaluate

from ._support import (
    ACAC_TRUE,
    API,
    API_ORIGIN,
    CHROME_HEAD,
    NO_ACAO,
    PAGE,
    THIRD,
    VALID_VALUE,
    acah,
    acam,
    acao,
    get,
    make_plan,
    reply,
    simulate,
)

ACEH = "Access-Control-Expose-Headers"
BODY_HEADERS = (
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("X-Request-Id", "42"),
    ("X-Other", "1"),
    ("ETag", '"v1"'),
)


def _exposed(*extra: tuple[str, str], credentials: bool = False, base=BODY_HEADERS):
    headers = [acao(), *base, *extra] + ([ACAC_TRUE] if credentials else [])
    run = simulate(make_plan("GET", credentials=credentials), reply(200, *headers))
    assert run.verdict.allowed
    return run


# -- EXP-* ------------------------------------------------------------------------------------


def test_without_expose_headers_only_safelisted_names_are_readable():
    run = _exposed()
    assert run.verdict.exposed_headers == ("cache-control", "content-type")
    hidden = run.finding("CD501").message
    assert "x-request-id" in hidden and "x-other" in hidden


def test_listed_names_are_readable():
    run = _exposed((ACEH, "X-Request-Id"))
    assert run.verdict.exposed_headers == ("cache-control", "content-type", "x-request-id")


def test_listed_names_match_case_insensitively():
    run = _exposed((ACEH, "x-REQUEST-id, etag"))
    assert run.verdict.exposed_headers == ("cache-control", "content-type", "etag", "x-request-id")


def test_listed_names_on_several_lines_are_combined():
    run = _exposed((ACEH, "X-Request-Id"), (ACEH, "X-Other"))
    assert run.verdict.exposed_headers == ("cache-control", "content-type", "x-other", "x-request-id")


def test_listed_credentials_request_still_exposes_listed_names():
    run = _exposed((ACEH, "X-Request-Id"), credentials=True)
    assert "x-request-id" in run.verdict.exposed_headers


def test_wildcard_exposes_every_header_without_credentials():
    run = _exposed((ACEH, "*"))
    assert run.verdict.exposed_headers == (
        "access-control-allow-origin",
        "access-control-expose-headers",
        "cache-control",
        "content-type",
        "etag",
        "x-other",
        "x-request-id",
    )
    assert "CD501" not in run.codes


def test_wildcard_is_literal_with_credentials():
    run = _exposed((ACEH, "*"), credentials=True)
    assert run.verdict.exposed_headers == ("cache-control", "content-type")


@pytest.mark.parametrize("listing", ["Set-Cookie, X-Request-Id", "*", "set-cookie2, Set-Cookie, X-Request-Id"])
def test_set_cookie_is_never_exposed(listing):
    run = _exposed((ACEH, listing), ("Set-Cookie", "s=1"), ("Set-Cookie2", "t=1"))
    assert "set-cookie" not in run.verdict.exposed_headers
    assert "set-cookie2" not in run.verdict.exposed_headers
    assert "x-request-id" in run.verdict.exposed_headers


def test_an_unparsable_expose_headers_exposes_only_safelisted_names():
    # Chromium 156 (recorded): `X Foo, X-Bar` exposes nothing beyond the safelist.
    run = _exposed((ACEH, "X Request, X-Request-Id"))
    assert run.verdict.exposed_headers == ("cache-control", "content-type")


def test_expose_headers_on_the_preflight_only_does_not_count():
    plan = make_plan("PUT", body="x")
    run = simulate(plan, reply(204, acao(), acam("PUT"), (ACEH, "X-Request-Id")), reply(200, acao(), *BODY_HEADERS))
    assert run.verdict.allowed
    assert "x-request-id" not in run.verdict.exposed_headers


def test_nothing_is_exposed_when_blocked():
    run = simulate(make_plan("GET"), reply(200, *BODY_HEADERS, (ACEH, "*")))
    assert not run.verdict.allowed
    assert run.verdict.exposed_headers == ()


# -- redirects of the actual request -----------------------------------------------------------

FINAL = API_ORIGIN + "/v1/final"


def _redirected_head(url: str) -> str:
    return (
        f"Access to fetch at '{url}' (redirected from '{API}') from origin '{PAGE}' has been blocked by CORS policy: "
    )


def test_a_same_origin_hop_keeps_the_page_origin():
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", "/v1/final")), reply(200, acao()))
    assert run.verdict.allowed
    assert [r.url for r in run.sent] == [API, FINAL]
    assert get(run.sent[1], "Origin") == PAGE
    assert "CD404" not in run.codes


def test_a_redirect_hop_without_acao_blocks_at_the_hop():
    run = simulate(make_plan("GET"), reply(302, ("Location", "/v1/final")))
    assert run.error_codes == ["CD301"]
    assert run.message == CHROME_HEAD + NO_ACAO


def test_a_final_reply_without_acao_names_the_redirect_in_the_message():
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", FINAL)), reply(200))
    assert run.error_codes == ["CD301"]
    assert run.message == _redirected_head(FINAL) + NO_ACAO


def test_a_cross_origin_hop_makes_the_origin_null():
    target = THIRD + "/x"
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", target)), reply(200, acao("*")))
    assert run.verdict.allowed
    assert get(run.sent[1], "Origin") == "null"
    assert "CD404" in run.codes


def test_after_a_cross_origin_hop_the_page_origin_no_longer_matches():
    target = THIRD + "/x"
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", target)), reply(200, acao(PAGE)))
    assert run.error_codes == ["CD304"]
    assert run.message == _redirected_head(target) + (
        f"The 'Access-Control-Allow-Origin' header has a value '{PAGE}' that is not equal to the supplied origin."
        + VALID_VALUE
    )


def test_after_a_cross_origin_hop_acao_null_is_allowed():
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", THIRD + "/x")), reply(200, acao("null")))
    assert run.verdict.allowed


def test_after_a_cross_origin_hop_wildcard_fails_with_credentials():
    plan = make_plan("GET", credentials=True)
    run = simulate(plan, reply(302, acao(), ACAC_TRUE, ("Location", THIRD + "/x")), reply(200, acao("*"), ACAC_TRUE))
    assert run.error_codes == ["CD305"]


def test_a_hop_back_to_the_page_origin_is_still_cors_with_origin_null():
    target = PAGE + "/back"
    blocked = simulate(make_plan("GET"), reply(302, acao(), ("Location", target)), reply(200, acao(PAGE)))
    assert not blocked.verdict.allowed
    assert get(blocked.sent[1], "Origin") == "null"
    allowed = simulate(make_plan("GET"), reply(302, acao(), ("Location", target)), reply(200, acao("*")))
    assert allowed.verdict.allowed


def test_a_redirect_to_a_url_with_userinfo_fails_with_cd401():
    location = "https://user:secret@api.example/v1/final"
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", location)))
    assert run.error_codes == ["CD401"]
    assert location in run.finding("CD401").message


def test_the_userinfo_redirect_message_matches_chromium():
    # Chromium 156 (checked live) leaves the location out of this message.
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", "https://user:secret@api.example/v1/final")))
    assert run.message == CHROME_HEAD + (
        "Redirect location '' contains a username and password, which is disallowed for cross-origin requests."
    )


def _loop(count: int):
    return [reply(302, acao("*"), ("Location", f"/v1/hop{n}")) for n in range(count)]


def test_twenty_redirects_are_followed():
    run = simulate(make_plan("GET"), *_loop(20), reply(200, acao("*")))
    assert run.verdict.allowed
    assert len(run.sent) == 21


def test_a_twenty_first_redirect_fails_with_cd402():
    run = simulate(make_plan("GET"), *_loop(21))
    assert run.error_codes == ["CD402"]
    assert len(run.sent) == 21  # Chromium 156 sends 21 requests, then net::ERR_TOO_MANY_REDIRECTS
    assert "ERR_TOO_MANY_REDIRECTS" in run.message


def test_a_redirect_to_another_scheme_fails_the_scheme_check():
    """Chromium 156 (conformance case redir-location-ftp): the CORS scheme error, naming the target."""
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", "ftp://files.example/x")))
    assert run.error_codes == ["CD110"]
    assert run.verdict.browser_message.startswith("Access to fetch at 'ftp://files.example/x' (redirected from ")
    assert "Cross origin requests are only supported for protocol schemes: " in run.verdict.browser_message


def test_a_redirect_to_a_data_url_is_an_unsafe_redirect():
    run = simulate(make_plan("GET"), reply(302, acao(), ("Location", "data:text/plain,hi")))
    assert run.error_codes == ["CD403"]
    assert run.verdict.browser_message == "Failed to load resource: net::ERR_UNSAFE_REDIRECT"


def test_303_turns_a_preflighted_put_into_a_plain_get():
    plan = make_plan("PUT", [("Content-Type", "application/json")], body="{}")
    run = simulate(
        plan,
        reply(204, acao(), acam("PUT"), acah("Content-Type")),
        reply(303, acao(), ("Location", "/v1/final")),
        reply(200, acao()),
    )
    assert run.verdict.allowed
    assert [(r.kind, r.method) for r in run.sent] == [("preflight", "OPTIONS"), ("actual", "PUT"), ("actual", "GET")]
    final = run.sent[2]
    assert final.body is None
    assert get(final, "Content-Type") is None
    assert "CD405" in run.codes


@pytest.mark.parametrize("status", [301, 302])
def test_301_and_302_turn_post_into_get(status):
    plan = make_plan("POST", body="x")
    run = simulate(plan, reply(status, acao(), ("Location", "/v1/final")), reply(200, acao()))
    assert [r.method for r in run.sent] == ["POST", "GET"]
    assert run.sent[1].body is None
    assert "CD405" in run.codes


def test_307_keeps_the_method_and_preflights_the_new_url():
    plan = make_plan("PUT", body="x")
    run = simulate(
        plan,
        reply(204, acao(), acam("PUT")),
        reply(307, acao(), ("Location", "/v1/final")),
        reply(204, acao(), acam("PUT")),
        reply(200, acao()),
    )
    assert run.verdict.allowed
    assert [(r.method, r.url) for r in run.sent] == [("OPTIONS", API), ("PUT", API), ("OPTIONS", FINAL), ("PUT", FINAL)]
    assert run.sent[3].body == "x"
    assert "CD405" not in run.codes


def test_307_to_another_origin_preflights_there_with_origin_null():
    plan = make_plan("PUT", body="x")
    target = THIRD + "/final"
    run = simulate(
        plan,
        reply(204, acao(), acam("PUT")),
        reply(307, acao(), ("Location", target)),
        reply(204, acao("*"), acam("PUT")),
        reply(200, acao("*")),
    )
    assert run.verdict.allowed
    assert get(run.sent[2], "Origin") == "null" and run.sent[2].method == "OPTIONS"
    assert get(run.sent[3], "Origin") == "null"


def test_a_rejected_preflight_after_a_redirect_names_both_urls():
    plan = make_plan("PUT", body="x")
    target = THIRD + "/final"
    run = simulate(plan, reply(204, acao(), acam("PUT")), reply(307, acao(), ("Location", target)), reply(404))
    assert run.error_codes == ["CD301"]
    assert (
        run.message
        == _redirected_head(target) + "Response to preflight request doesn't pass access control check: " + NO_ACAO
    )


def test_a_simple_post_that_is_blocked_still_ran_on_the_server():
    run = simulate(make_plan("POST", body="x"), reply(201))
    assert run.error_codes == ["CD301"]
    assert "CD504" in run.codes


def test_evaluate_judges_recorded_replies_like_a_live_simulation():
    plan = make_plan("PUT", [("X-Custom", "1")], body="x")
    replies = [
        reply(204, acao(), acam("PUT"), acah("x-custom")),
        reply(307, acao(), ("Location", "/v1/final")),
        reply(204, acao(), acam("PUT"), acah("x-custom")),
        reply(500),
    ]
    offline = evaluate(plan, replies)
    live = simulate(plan, *replies).verdict
    assert offline.allowed is live.allowed is False
    assert [f.code for f in offline.findings] == [f.code for f in live.findings]
    assert offline.browser_message == live.browser_message == _redirected_head(FINAL) + NO_ACAO
