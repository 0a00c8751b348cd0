"""How the browser judges the reply to a preflight (PFV-*, PFC-*, CHK-* on OPTIONS)."""

from __future__ import annotations

import pytest

from cors_doctor.rules import preflight as preflight_rules

from ._support import (
    ACAC_TRUE,
    API,
    CHROME_HEAD,
    CHROME_PREFLIGHT,
    NO_ACAO,
    PAGE,
    VALID_VALUE,
    acah,
    acam,
    acao,
    get,
    make_plan,
    reply,
    simulate,
)

PUT = make_plan("PUT")


def ok_preflight(*extra: tuple[str, str], status: int = 204):
    return reply(status, acao(), acam("GET, PUT, PATCH, patch, DELETE"), *extra)


# -- PFV-1 redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_preflight_fails_with_cd201(status):
    run = simulate(PUT, reply(status, acao(), acam("PUT"), ("Location", API + "/")))
    assert not run.verdict.allowed
    assert run.error_codes == ["CD201"]
    assert run.verdict.preflight_passed is False
    assert not run.verdict.actual_sent
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + "Redirect is not allowed for a preflight request."


def test_a_redirected_preflight_names_the_location():
    run = simulate(PUT, reply(301, ("Location", "https://api.example/v1/items/")))
    assert "https://api.example/v1/items/" in run.finding("CD201").message


# -- PFV-3 status --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 204, 206, 299])
def test_ok_statuses_pass(status):
    run = simulate(PUT, ok_preflight(status=status), send_actual=False)
    assert run.verdict.allowed
    assert run.verdict.preflight_passed is True


@pytest.mark.parametrize("status", [300, 304, 400, 401, 403, 404, 405, 429, 500, 501, 503])
def test_other_statuses_fail_with_cd202_when_acao_is_right(status):
    run = simulate(PUT, ok_preflight(status=status))
    assert not run.verdict.allowed
    assert run.error_codes == ["CD202"]
    assert str(status) in run.finding("CD202").message
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + "It does not have HTTP ok status."


def test_the_preflight_error_body_is_quoted():
    run = simulate(PUT, reply(400, acao(), acam("GET"), body="Disallowed CORS method"))
    assert "Disallowed CORS method" in run.finding("CD202").message


@pytest.mark.parametrize("status", [404, 500])
def test_chrome_reports_a_missing_acao_before_the_status(status):
    run = simulate(PUT, reply(status, ("Content-Type", "application/json"), body='{"detail":"Not Found"}'))
    assert run.error_codes == ["CD301"]
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + NO_ACAO


def test_chrome_reports_a_wrong_acao_before_the_status():
    run = simulate(PUT, reply(404, acao("https://other.example"), acam("PUT")))
    assert run.error_codes == ["CD304"]
    assert run.message == (
        CHROME_HEAD
        + CHROME_PREFLIGHT
        + "The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin."
        + VALID_VALUE
    )


def test_safari_reports_the_status_before_acao():
    run = simulate(make_plan("PUT", browser="safari"), reply(404))
    assert run.error_codes == ["CD202"]
    assert (
        run.message
        == f"Preflight response is not successful. Status code: 404\nFetch API cannot load {API} due to access control checks."
    )


# -- CHK-* on the preflight ------------------------------------------------------------------

ACAO_CASES = [
    # (ACAO header lines, finding code or None, Chromium reason after the prefix)
    ([PAGE], None, None),
    ([f"  {PAGE}  "], None, None),
    (["*"], None, None),
    (["\t*"], None, None),
    (
        [PAGE + "/"],
        "CD304",
        f"The 'Access-Control-Allow-Origin' header has a value '{PAGE}/' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["https://app.example:8443"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'https://app.example:8443' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["https://app.example:443"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'https://app.example:443' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["HTTPS://APP.EXAMPLE"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'HTTPS://APP.EXAMPLE' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["http://app.example"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'http://app.example' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        [PAGE + "/app"],
        "CD304",
        f"The 'Access-Control-Allow-Origin' header has a value '{PAGE}/app' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["null"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["localhost:5173"],
        "CD304",
        "The 'Access-Control-Allow-Origin' header has a value 'localhost:5173' that is not equal to the supplied origin."
        + VALID_VALUE,
    ),
    (
        ["app.example"],
        "CD303",
        "The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example'." + VALID_VALUE,
    ),
    ([""], "CD303", "The 'Access-Control-Allow-Origin' header contains the invalid value ''." + VALID_VALUE),
    (['"*"'], "CD303", "The 'Access-Control-Allow-Origin' header contains the invalid value '\"*\"'." + VALID_VALUE),
    (
        [f"{PAGE}, https://b.example"],
        "CD302",
        f"The 'Access-Control-Allow-Origin' header contains multiple values '{PAGE}, https://b.example', but only one is allowed."
        + VALID_VALUE,
    ),
    (
        [f"{PAGE} https://b.example"],
        "CD302",
        f"The 'Access-Control-Allow-Origin' header contains multiple values '{PAGE} https://b.example', but only one is allowed."
        + VALID_VALUE,
    ),
    (
        [PAGE, PAGE],
        "CD302",
        f"The 'Access-Control-Allow-Origin' header contains multiple values '{PAGE}, {PAGE}', but only one is allowed."
        + VALID_VALUE,
    ),
    (
        ["*", "*"],
        "CD302",
        "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed."
        + VALID_VALUE,
    ),
    (
        [PAGE, "*"],
        "CD302",
        f"The 'Access-Control-Allow-Origin' header contains multiple values '{PAGE}, *', but only one is allowed."
        + VALID_VALUE,
    ),
]


@pytest.mark.parametrize("lines, code, reason", ACAO_CASES)
def test_acao_variants_on_the_preflight(lines, code, reason):
    run = simulate(PUT, reply(204, *[acao(v) for v in lines], acam("PUT")), send_actual=False)
    assert run.verdict.allowed is (code is None)
    if code is None:
        assert run.message is None
        return
    assert run.error_codes == [code]
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + reason


@pytest.mark.parametrize("lines, code, reason", ACAO_CASES)
def test_acao_variants_on_a_simple_get(lines, code, reason):
    run = simulate(make_plan("GET"), reply(200, *[acao(v) for v in lines]))
    assert run.verdict.allowed is (code is None)
    if code is None:
        return
    assert run.error_codes == [code]
    assert run.message == CHROME_HEAD + reason


def test_acao_null_is_flagged_when_it_matches_a_null_origin():
    run = simulate(make_plan("GET", origin="null"), reply(200, acao("null")))
    assert run.verdict.allowed
    assert "CD307" in run.codes


def test_the_mismatch_finding_explains_the_difference():
    run = simulate(make_plan("GET"), reply(200, acao(PAGE + "/")))
    assert "trailing slash" in run.finding("CD304").message
    run = simulate(make_plan("GET"), reply(200, acao(PAGE.upper())))
    assert "case" in run.finding("CD304").message


# -- credentials on the preflight (PFV-2, CHK-5) ------------------------------------------

CRED_PUT = make_plan("PUT", credentials=True)


def test_wildcard_acao_with_credentials_fails_with_cd305():
    run = simulate(CRED_PUT, reply(204, acao("*"), ACAC_TRUE, acam("PUT")))
    assert run.error_codes == ["CD305"]
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
        "when the request's credentials mode is 'include'."
    )


@pytest.mark.parametrize("value, shown", [("True", "True"), ("TRUE", "TRUE"), ("1", "1"), ("yes", "yes"), (None, "")])
def test_acac_must_be_exactly_true(value, shown):
    headers = [acao(), acam("PUT")] + ([("Access-Control-Allow-Credentials", value)] if value is not None else [])
    run = simulate(CRED_PUT, reply(204, *headers))
    assert run.error_codes == ["CD306"]
    assert run.message == CHROME_HEAD + CHROME_PREFLIGHT + (
        f"The value of the 'Access-Control-Allow-Credentials' header in the response is '{shown}' "
        "which must be 'true' when the request's credentials mode is 'include'."
    )


def test_acac_on_two_lines_fails():
    run = simulate(CRED_PUT, reply(204, acao(), ACAC_TRUE, ACAC_TRUE, acam("PUT")))
    assert run.error_codes == ["CD306"]
    assert "'true, true'" in run.message


def test_acac_with_surrounding_spaces_passes():
    run = simulate(
        CRED_PUT, reply(204, acao(), ("Access-Control-Allow-Credentials", " true "), acam("PUT")), send_actual=False
    )
    assert run.verdict.allowed


def test_acac_is_not_needed_without_credentials():
    run = simulate(
        PUT, reply(204, acao(), ("Access-Control-Allow-Credentials", "false"), acam("PUT")), send_actual=False
    )
    assert run.verdict.allowed


# -- PFV-4 parsing the allow lists ---------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["GET POST, PUT", "PUT, GET/POST", 'PUT, "GET"', "PUT, G:ET", "PUT, (GET)", "PUT, GÉT"]
)
def test_an_unparsable_allow_methods_fails_with_cd203_even_if_the_method_is_listed(value):
    run = simulate(PUT, reply(204, acao(), acam(value)))
    assert run.error_codes == ["CD203"]
    assert (
        run.message
        == CHROME_HEAD + "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
    )


@pytest.mark.parametrize("value", ["X Custom, x-custom", "x-custom, a/b", 'x-custom, "x"', "x-custom, a:b"])
def test_an_unparsable_allow_headers_fails_with_cd204_even_if_the_header_is_listed(value):
    run = simulate(make_plan("PUT", [("X-Custom", "1")]), reply(204, acao(), acam("PUT"), acah(value)))
    assert run.error_codes == ["CD204"]
    assert (
        run.message
        == CHROME_HEAD + "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    )


def test_an_unparsable_allow_headers_fails_even_when_no_header_is_requested():
    # Chromium 156 (recorded): the parse error wins although the request has no custom header.
    run = simulate(PUT, reply(204, acao(), acam("PUT"), acah("a b")))
    assert run.error_codes == ["CD204"]


def test_allow_methods_is_parsed_before_allow_headers():
    run = simulate(make_plan("PUT", [("X-Custom", "1")]), reply(204, acao(), acam("PUT POST")))
    assert run.error_codes == ["CD203"]


@pytest.mark.parametrize("value", ["GET,,PUT", "PUT,", ",PUT", " , PUT , "])
def test_empty_list_items_are_ignored(value):
    run = simulate(PUT, reply(204, acao(), acam(value)), send_actual=False)
    assert run.verdict.allowed


def test_allow_lists_on_several_lines_are_combined():
    plan = make_plan("PUT", [("X-A", "1"), ("X-B", "2")])
    run = simulate(plan, reply(204, acao(), acam("GET"), acam("PUT"), acah("x-a"), acah("x-b")), send_actual=False)
    assert run.verdict.allowed


# -- PFV-6 the method ------------------------------------------------------------------------


def test_a_method_missing_from_allow_methods_fails_with_cd205():
    run = simulate(PUT, reply(204, acao(), acam("GET, POST")))
    assert run.error_codes == ["CD205"]
    assert (
        run.message == CHROME_HEAD + "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
    )


def test_a_missing_allow_methods_fails_a_put():
    run = simulate(PUT, reply(204, acao()))
    assert run.error_codes == ["CD205"]


def test_the_method_comparison_is_case_sensitive():
    run = simulate(PUT, reply(204, acao(), acam("get, put")))
    assert run.error_codes == ["CD205"]
    assert "case-sensitive" in run.finding("CD205").message


def test_lowercase_patch_needs_lowercase_patch_in_allow_methods():
    run = simulate(make_plan("patch"), reply(204, acao(), acam("GET, PATCH")))
    assert run.error_codes == ["CD205"]
    assert (
        run.message
        == CHROME_HEAD + "Method patch is not allowed by Access-Control-Allow-Methods in preflight response."
    )
    assert "case-sensitive" in run.finding("CD205").message
    run = simulate(make_plan("patch"), reply(204, acao(), acam("patch")), send_actual=False)
    assert run.verdict.allowed


def test_lowercase_put_is_normalized_and_matches_put():
    run = simulate(make_plan("put"), reply(204, acao(), acam("PUT")), send_actual=False)
    assert run.verdict.allowed


def test_safelisted_methods_pass_without_allow_methods():
    plan = make_plan("GET", [("X-Custom", "1")])
    run = simulate(plan, reply(204, acao(), acam("get"), acah("X-Custom")), reply(200, acao()))
    assert run.verdict.allowed


def test_wildcard_methods_allow_any_method_without_credentials():
    run = simulate(make_plan("DELETE"), reply(204, acao(), acam("*")), send_actual=False)
    assert run.verdict.allowed


def test_wildcard_methods_are_literal_with_credentials():
    run = simulate(make_plan("DELETE", credentials=True), reply(204, acao(), ACAC_TRUE, acam("*")))
    assert run.error_codes == ["CD205"]
    assert (
        run.message
        == CHROME_HEAD + "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    )


# -- PFV-7 / PFV-8 the headers ---------------------------------------------------------------


def test_a_header_missing_from_allow_headers_fails_with_cd206():
    plan = make_plan("GET", [("X-Custom", "1"), ("Content-Type", "application/json")])
    run = simulate(plan, reply(204, acao(), acah("Content-Type")))
    assert run.error_codes == ["CD206"]
    assert (
        run.message
        == CHROME_HEAD
        + "Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."
    )


def test_json_without_allow_headers_fails_on_content_type():
    plan = make_plan("POST", [("Content-Type", "application/json")], body="{}")
    run = simulate(plan, reply(204, acao(), acam("GET, POST")))
    assert run.error_codes == ["CD206"]
    assert (
        run.message
        == CHROME_HEAD
        + "Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response."
    )


def test_header_names_compare_case_insensitively():
    run = simulate(make_plan("GET", [("x-custom", "1")]), reply(204, acao(), acah("X-CUSTOM")), reply(200, acao()))
    assert run.verdict.allowed


def test_wildcard_headers_allow_any_header_without_credentials():
    plan = make_plan("GET", [("X-Custom", "1"), ("X-Other", "2")])
    run = simulate(plan, reply(204, acao(), acah("*")), reply(200, acao()))
    assert run.verdict.allowed
    assert "CD207" not in run.codes


def test_wildcard_headers_are_literal_with_credentials():
    plan = make_plan("GET", [("X-Custom", "1")], credentials=True)
    run = simulate(plan, reply(204, acao(), ACAC_TRUE, acah("*")))
    assert run.error_codes == ["CD206"]
    assert (
        run.message
        == CHROME_HEAD
        + "Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response."
    )


def test_wildcard_headers_cover_authorization_today_with_a_cd207_warning():
    plan = make_plan("GET", [("Authorization", "Bearer t")])
    run = simulate(plan, reply(204, acao(), acah("*")), reply(200, acao()))
    assert run.verdict.allowed
    warning = run.finding("CD207")
    assert warning.severity == "warning"
    assert "Authorization" in warning.message


def test_authorization_listed_explicitly_gives_no_cd207():
    plan = make_plan("GET", [("Authorization", "Bearer t")])
    run = simulate(plan, reply(204, acao(), acah("Authorization, *")), reply(200, acao()))
    assert run.verdict.allowed
    assert "CD207" not in run.codes


def test_wildcard_headers_with_credentials_do_not_cover_authorization():
    plan = make_plan("GET", [("Authorization", "Bearer t")], credentials=True)
    run = simulate(plan, reply(204, acao(), ACAC_TRUE, acah("*")))
    assert run.error_codes == ["CD206"]
    assert "authorization" in run.message


def test_safelisted_headers_need_not_be_listed():
    plan = make_plan("PUT", [("Content-Type", "text/plain"), ("Accept", "application/json")], body="x")
    run = simulate(plan, reply(204, acao(), acam("PUT")), send_actual=False)
    assert run.verdict.allowed


# -- PFC-* Access-Control-Max-Age --------------------------------------------------------------


@pytest.mark.parametrize(
    "browser, raw, seconds",
    [
        ("chrome", "600", 600),
        ("chrome", "7200", 7200),
        ("chrome", "86400", 7200),
        ("firefox", "86400", 86400),
        ("firefox", "100000", 86400),
        ("firefox", "7200", 7200),
        ("safari", "600", 600),
        ("safari", "7200", 600),
        ("safari", "86400", 600),
        # firefox None -> 0: conformance case cache-default, Firefox 153 preflights the next request again
        ("chrome", None, 5),
        ("firefox", None, 0),
        ("safari", None, 5),
        ("chrome", "abc", 5),
        ("safari", "abc", 5),
        ("firefox", "abc", 0),
        ("chrome", "-1", 0),
        ("chrome", "0", 0),
    ],
)
def test_max_age_per_browser(browser, raw, seconds):
    headers = (("Access-Control-Max-Age", raw),) if raw is not None else ()
    assert preflight_rules.max_age(headers, browser).effective == seconds


@pytest.mark.parametrize("browser, cap", [("chrome", 7200), ("firefox", 86400), ("safari", 600)])
def test_a_max_age_above_the_cap_is_reported_with_the_cap(browser, cap):
    plan = make_plan("PUT", browser=browser)
    run = simulate(plan, reply(204, acao(), acam("PUT"), ("Access-Control-Max-Age", "999999")), send_actual=False)
    assert run.verdict.allowed
    note = run.finding("CD208")
    assert str(cap) in note.message
    step = next(s for s in run.verdict.steps if "cached" in s.name.lower())
    assert str(cap) in step.detail


def test_a_max_age_within_the_cap_is_not_reported():
    run = simulate(PUT, reply(204, acao(), acam("PUT"), ("Access-Control-Max-Age", "600")), send_actual=False)
    assert "CD208" not in run.codes


# -- after the preflight -----------------------------------------------------------------------


def test_a_good_preflight_then_an_actual_reply_without_cors_headers_fails_with_cd301():
    plan = make_plan("PUT", [("Content-Type", "application/json")], body="{}")
    run = simulate(
        plan, reply(204, acao(), acam("PUT"), acah("Content-Type")), reply(200, ("Content-Type", "application/json"))
    )
    assert run.verdict.preflight_passed is True
    assert run.error_codes == ["CD301"]
    assert "CD308" not in run.codes
    assert run.message == CHROME_HEAD + NO_ACAO


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_actual_reply_without_cors_headers_adds_cd308(status):
    plan = make_plan("PUT", [("Content-Type", "application/json")], body="{}")
    run = simulate(
        plan,
        reply(204, acao(), acam("PUT"), acah("Content-Type")),
        reply(status, ("Content-Type", "text/plain"), body="Internal Server Error"),
    )
    assert run.error_codes == ["CD301"]
    assert "CD308" in run.codes
    assert str(status) in run.finding("CD308").message
    assert run.message == CHROME_HEAD + NO_ACAO


def test_an_error_reply_with_cors_headers_is_readable():
    run = simulate(make_plan("GET"), reply(404, acao()))
    assert run.verdict.allowed


def test_the_actual_request_after_a_preflight_carries_origin_and_the_script_headers():
    plan = make_plan("PUT", [("X-Custom", "1")], credentials=True, body="x")
    run = simulate(
        plan, reply(204, acao(), ACAC_TRUE, acam("PUT"), acah("x-custom")), reply(200, acao(), ACAC_TRUE), cookie="s=1"
    )
    actual = run.sent[1]
    assert actual.kind == "actual" and actual.method == "PUT" and actual.body == "x"
    assert get(actual, "Origin") == PAGE
    assert get(actual, "X-Custom") == "1"
    assert get(actual, "Cookie") == "s=1"
    assert actual.with_credentials is True
    assert run.verdict.allowed


def test_without_send_actual_a_put_stops_after_the_preflight():
    run = simulate(PUT, reply(204, acao(), acam("PUT")), send_actual=False)
    assert [r.kind for r in run.sent] == ["preflight"]
    assert not run.verdict.actual_sent
    assert "CD503" in run.codes
    assert run.verdict.unverified
