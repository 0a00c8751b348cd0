"""`--browser firefox|safari`: the console messages and the differences from Chrome."""

from __future__ import annotations

import pytest

from ._support import ACAC_TRUE, API, API_ORIGIN, PAGE, acah, acam, acao, make_plan, reply, simulate

FF_HEAD = (
    f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. (Reason: "
)
SAFARI_TAIL = f"\nFetch API cannot load {API} due to access control checks."
FINAL = API_ORIGIN + "/v1/final"


def firefox(method="GET", headers=(), **kw):
    return make_plan(method, headers, browser="firefox", **kw)


def safari(method="GET", headers=(), **kw):
    return make_plan(method, headers, browser="safari", **kw)


# -- Firefox -------------------------------------------------------------------------------


def test_firefox_missing_acao_gives_the_status():
    run = simulate(firefox(), reply(200))
    assert run.message == FF_HEAD + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."


def test_firefox_counts_acao_lines():
    run = simulate(firefox(), reply(200, acao(), acao()))
    assert run.error_codes == ["CD302"]
    assert run.message == FF_HEAD + "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)."


def test_firefox_treats_a_one_line_list_as_a_mismatch():
    run = simulate(firefox(), reply(200, acao(f"{PAGE}, https://b.example")))
    assert (
        run.message
        == FF_HEAD + f"CORS header ‘Access-Control-Allow-Origin’ does not match ‘{PAGE}, https://b.example’)."
    )


def test_firefox_mismatch_quotes_the_server_value():
    run = simulate(firefox(), reply(200, acao(PAGE + "/")))
    assert run.message == FF_HEAD + f"CORS header ‘Access-Control-Allow-Origin’ does not match ‘{PAGE}/’)."


def test_firefox_wildcard_with_credentials_quotes_the_url():
    run = simulate(firefox(credentials=True), reply(200, acao("*"), ACAC_TRUE))
    assert run.message == (
        f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{API}’. "
        "(Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
    )


def test_firefox_allow_credentials():
    run = simulate(firefox(credentials=True), reply(200, acao(), ("Access-Control-Allow-Credentials", "True")))
    assert run.message == FF_HEAD + "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)."


def test_firefox_preflight_status():
    run = simulate(firefox("PUT"), reply(404, acao(), acam("PUT")))
    assert run.message == FF_HEAD + "CORS preflight response did not succeed). Status code: 404."


def test_firefox_preflight_redirect():
    run = simulate(firefox("PUT"), reply(301, acao(), ("Location", API + "/")))
    assert run.error_codes == ["CD201"]
    assert run.message == FF_HEAD + "CORS request external redirect not allowed)."


def test_firefox_checks_acao_on_a_preflight_redirect_first():
    """Conformance case pf-redirect-302-no-acao: Firefox 153 reports the missing ACAO."""
    run = simulate(firefox("PUT"), reply(302, ("Location", API + "/")))
    assert run.error_codes == ["CD301"]
    assert run.message == FF_HEAD + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 302."


def test_firefox_method():
    run = simulate(firefox("PUT"), reply(204, acao(), acam("GET")))
    assert run.message == FF_HEAD + "Did not find method in CORS header ‘Access-Control-Allow-Methods’)."


def test_firefox_header():
    run = simulate(firefox("GET", [("X-Custom", "1")]), reply(204, acao(), acah("X-Other")))
    assert run.message == FF_HEAD + (
        "header ‘x-custom’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."
    )


def test_firefox_invalid_allow_methods_names_the_token():
    run = simulate(firefox("PUT"), reply(204, acao(), acam("GET POST, PUT")))
    assert run.message == FF_HEAD + "invalid token ‘GET POST’ in CORS header ‘Access-Control-Allow-Methods’)."


def test_firefox_invalid_allow_headers_names_the_token():
    run = simulate(firefox("GET", [("X-Custom", "1")]), reply(204, acao(), acah("x-custom, X Other")))
    assert run.message == FF_HEAD + "invalid token ‘X Other’ in CORS header ‘Access-Control-Allow-Headers’)."


def test_firefox_redirect_hop_without_acao_names_the_redirecting_url():
    run = simulate(firefox(), reply(302, ("Location", FINAL)))
    assert run.message == FF_HEAD + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 302."


def test_firefox_does_not_cap_max_age_at_two_hours():
    run = simulate(
        firefox("PUT"), reply(204, acao(), acam("PUT"), ("Access-Control-Max-Age", "86400")), send_actual=False
    )
    assert run.verdict.allowed
    assert "CD208" not in run.codes


def test_firefox_allows_authorization_under_wildcard_with_a_warning():
    run = simulate(firefox("GET", [("Authorization", "Bearer t")]), reply(204, acao(), acah("*")), reply(200, acao()))
    assert run.verdict.allowed
    assert "CD207" in run.codes


# -- Safari --------------------------------------------------------------------------------


def test_safari_missing_acao():
    run = simulate(safari(), reply(200))
    assert run.message == f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200" + SAFARI_TAIL


def test_safari_does_not_tell_a_mismatch_from_a_missing_header():
    run = simulate(safari(), reply(200, acao(PAGE + "/")))
    assert run.error_codes == ["CD304"]
    assert run.message == f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200" + SAFARI_TAIL


def test_safari_multiple_origins():
    run = simulate(safari(), reply(200, acao(), acao()))
    assert run.message == "Access-Control-Allow-Origin cannot contain more than one origin." + SAFARI_TAIL


def test_safari_wildcard_with_credentials():
    run = simulate(safari(credentials=True), reply(200, acao("*"), ACAC_TRUE))
    assert (
        run.message == "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true." + SAFARI_TAIL
    )


def test_safari_allow_credentials():
    run = simulate(safari(credentials=True), reply(200, acao()))
    assert run.message == 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".' + SAFARI_TAIL


def test_safari_preflight_redirect():
    # WebKitGTK 2.50 prints a redirected preflight like any other non-2xx one (pf-redirect-301).
    run = simulate(safari("PUT"), reply(301, ("Location", API + "/")))
    assert run.error_codes == ["CD201"]
    assert run.message == "Preflight response is not successful. Status code: 301" + SAFARI_TAIL


def test_safari_method():
    run = simulate(safari("PUT"), reply(204, acao(), acam("GET")))
    assert run.message == "Method PUT is not allowed by Access-Control-Allow-Methods." + SAFARI_TAIL


def test_safari_header_keeps_the_case_script_used():
    run = simulate(safari("GET", [("X-Custom", "1")]), reply(204, acao(), acah("X-Other")))
    assert run.message == "Request header field X-Custom is not allowed by Access-Control-Allow-Headers." + SAFARI_TAIL


def test_safari_invalid_allow_methods_quotes_the_value():
    run = simulate(safari("PUT"), reply(204, acao(), acam("GET POST, PUT")))
    assert run.message == "Header Access-Control-Allow-Methods has an invalid value: GET POST, PUT" + SAFARI_TAIL


def test_safari_redirect_hop_without_acao_is_a_denied_redirection():
    # WebKit NetworkLoadChecker::checkRedirection validates the 3xx and names the Location.
    run = simulate(safari(), reply(302, ("Location", FINAL)))
    assert run.message.split("\n")[0] == (
        f"Cross-origin redirection to {FINAL} denied by Cross-Origin Resource Sharing policy: "
        f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 302"
    )


def test_safari_final_reply_without_acao_after_a_good_redirect_is_a_plain_origin_error():
    run = simulate(safari(), reply(302, acao(), ("Location", FINAL)), reply(200))
    assert (
        run.message.split("\n")[0] == f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200"
    )


def test_safari_caps_max_age_at_ten_minutes():
    run = simulate(
        safari("PUT"), reply(204, acao(), acam("PUT"), ("Access-Control-Max-Age", "7200")), send_actual=False
    )
    assert "600" in run.finding("CD208").message


@pytest.mark.parametrize("browser", ["firefox", "safari"])
def test_client_hints_are_preflighted_outside_chrome(browser):
    assert make_plan("GET", [("DPR", "2")], browser=browser).preflight_required
    assert not make_plan("GET", [("DPR", "2")], browser="chrome").preflight_required
