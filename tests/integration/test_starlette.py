"""`cors-doctor check` as a subprocess against real FastAPI/Starlette CORSMiddleware setups."""

from __future__ import annotations

import json

import pytest

from .servers import OTHER_PAGE, PAGE

pytestmark = pytest.mark.integration

PREFIX = "Response to preflight request doesn't pass access control check: "
NO_ACAO = "No 'Access-Control-Allow-Origin' header is present on the requested resource."


def codes(out: dict) -> list[str]:
    return [f["code"] for f in out["findings"]]


def errors(out: dict) -> list[str]:
    """The browser-rule errors (CD1xx-CD5xx); framework diagnoses (CD6xx) may come on top."""
    return [f["code"] for f in out["findings"] if f["severity"] == "error" and f["code"] < "CD600"]


def head(url: str, origin: str = PAGE) -> str:
    return f"Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: "


def response_header(hop: dict, name: str) -> list[str]:
    return [v for n, v in hop["response_headers"] if n.lower() == name.lower()]


# -- allow_origins=[PAGE], the configuration a developer means to write --------------------


def test_the_right_origin_reads_a_get_and_the_exposed_header(check, starlette_server):
    url = starlette_server("explicit") + "/items"
    code, out = check(url, "--origin", PAGE)
    assert code == 0 and out["allowed"] is True
    assert out["preflight"] is None
    assert out["browser_message"] is None
    hop = out["actual"]["hops"][0]
    assert hop["status"] == 200 and hop["origin_header"] == PAGE
    assert response_header(hop, "access-control-allow-origin") == [PAGE]
    assert out["exposed_headers"] == ["content-length", "content-type", "x-request-id"]
    hidden = next(f for f in out["findings"] if f["code"] == "CD501")
    assert "x-total-count" in hidden["message"]


def test_a_preflighted_put_with_credentials_passes_and_the_preflight_carries_none(check, starlette_server):
    url = starlette_server("explicit") + "/items"
    code, out = check(
        url,
        "--origin",
        PAGE,
        "--method",
        "PUT",
        "--header",
        "Content-Type: application/json",
        "--header",
        "Authorization: Bearer s3cret",
        "--credentials",
        "--cookie",
        "session=abc",
        "--data",
        '{"a": 1}',
        "--actual",
    )
    assert code == 0 and out["allowed"] is True, out["browser_message"]
    pre = out["preflight"]
    assert pre["status"] == 200 and pre["passed"] is True
    sent = pre["request_headers"]
    assert sent["Access-Control-Request-Method"] == "PUT"
    assert sent["Access-Control-Request-Headers"] == "authorization,content-type"
    assert sent["Origin"] == PAGE and sent["Accept"] == "*/*"
    assert not {"cookie", "authorization", "content-type"} & {name.lower() for name in sent}
    assert out["actual"]["sent"] is True
    hop = out["actual"]["hops"][0]
    assert hop["method"] == "PUT" and hop["status"] == 200
    assert hop["request_headers"]["Authorization"] == "Bearer ••••••"
    assert "s3cret" not in json.dumps(out) and "abc" not in hop["request_headers"]["Cookie"]
    assert response_header(hop, "access-control-allow-credentials") == ["true"]


def test_a_put_without_actual_is_judged_on_the_preflight_alone(check, starlette_server):
    url = starlette_server("explicit") + "/items"
    code, out = check(url, "--origin", PAGE, "--method", "PUT")
    assert code == 3 and out["allowed"] is True and out["verified"] is False  # exit 3: not verified
    assert out["actual"]["sent"] is False
    assert "CD503" in codes(out) and out["unverified"]


# -- an origin the server does not list -----------------------------------------------------


def test_another_origin_gets_no_acao_on_a_simple_get(check, starlette_server):
    url = starlette_server("explicit") + "/items"
    code, out = check(url, "--origin", OTHER_PAGE)
    assert code == 1 and out["allowed"] is False
    assert errors(out) == ["CD301"]
    assert out["actual"]["hops"][0]["status"] == 200
    assert out["browser_message"] == head(url, OTHER_PAGE) + NO_ACAO
    assert out["exposed_headers"] == []


def test_another_origin_gets_400_disallowed_cors_origin_on_the_preflight(check, starlette_server):
    url = starlette_server("explicit") + "/items"
    code, out = check(url, "--origin", OTHER_PAGE, "--method", "PUT")
    assert code == 1 and out["allowed"] is False
    assert out["preflight"]["status"] == 400 and out["preflight"]["passed"] is False
    assert (
        response_header({"response_headers": out["preflight"]["response_headers"]}, "access-control-allow-origin") == []
    )
    # Chrome reports the missing header before the 400 status.
    assert errors(out) == ["CD301"]
    assert out["browser_message"] == head(url, OTHER_PAGE) + PREFIX + NO_ACAO
    assert out["actual"]["sent"] is False
    assert out["actual"]["not_sent_reason"], "docs/json-output.md promises why the request was not sent"


# -- allow_methods left at its default (GET only) ---------------------------------------------


def test_put_with_default_allow_methods_gets_400_disallowed_cors_method(check, starlette_server):
    url = starlette_server("defaults") + "/items"
    code, out = check(url, "--origin", PAGE, "--method", "PUT")
    assert code == 1 and out["allowed"] is False
    assert out["preflight"]["status"] == 400
    assert errors(out) == ["CD202"]
    status = next(f for f in out["findings"] if f["code"] == "CD202")
    assert "Disallowed CORS method" in status["message"]
    assert out["browser_message"] == head(url) + PREFIX + "It does not have HTTP ok status."
    assert 'allow_methods=["GET", "PUT"]' in out["fix"]["snippet"]


# -- allow_headers left out ------------------------------------------------------------------


def test_json_passes_without_allow_headers_because_starlette_always_allows_content_type(check, starlette_server):
    url = starlette_server("no-headers") + "/items"
    code, out = check(
        url,
        "--origin",
        PAGE,
        "--method",
        "POST",
        "--header",
        "Content-Type: application/json",
        "--data",
        "{}",
        "--actual",
    )
    assert code == 0 and out["allowed"] is True
    assert out["preflight"]["request_headers"]["Access-Control-Request-Headers"] == "content-type"
    allow = response_header({"response_headers": out["preflight"]["response_headers"]}, "access-control-allow-headers")
    assert allow == ["Accept, Accept-Language, Content-Language, Content-Type"]


def test_a_custom_header_missing_from_allow_headers_gets_400_disallowed_cors_headers(check, starlette_server):
    url = starlette_server("no-headers") + "/items"
    code, out = check(
        url,
        "--origin",
        PAGE,
        "--method",
        "POST",
        "--header",
        "Content-Type: application/json",
        "--header",
        "X-Requested-With: XMLHttpRequest",
        "--data",
        "{}",
        "--actual",
    )
    assert code == 1 and out["allowed"] is False
    assert out["preflight"]["request_headers"]["Access-Control-Request-Headers"] == "content-type,x-requested-with"
    assert out["preflight"]["status"] == 400
    assert errors(out) == ["CD202"]
    assert "Disallowed CORS headers" in next(f["message"] for f in out["findings"] if f["code"] == "CD202")
    assert out["actual"]["sent"] is False


# -- allow_origins=["*"] -----------------------------------------------------------------------


def test_wildcard_origin_without_credentials_is_allowed(check, starlette_server):
    url = starlette_server("wildcard") + "/items"
    code, out = check(url, "--origin", PAGE, "--method", "PUT", "--header", "X-Custom: 1", "--data", "x", "--actual")
    assert code == 0 and out["allowed"] is True
    assert response_header(
        {"response_headers": out["preflight"]["response_headers"]}, "access-control-allow-origin"
    ) == ["*"]
    assert response_header(out["actual"]["hops"][0], "access-control-allow-origin") == ["*"]


def test_wildcard_origin_fails_a_credentialed_request(check, starlette_server):
    url = starlette_server("wildcard") + "/items"
    code, out = check(url, "--origin", PAGE, "--credentials")
    assert code == 1 and errors(out) == ["CD305"]
    assert out["browser_message"] == head(url) + (
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
        "when the request's credentials mode is 'include'."
    )


@pytest.mark.parametrize("origin", [PAGE, OTHER_PAGE])
def test_wildcard_origin_with_allow_credentials_reflects_any_origin(check, starlette_server, origin):
    # Starlette 1.x answers allow_origins=["*"] + allow_credentials=True by echoing the caller's
    # origin with Access-Control-Allow-Credentials: true, so every site may read credentialed replies.
    url = starlette_server("wildcard-credentials") + "/items"
    code, out = check(
        url,
        "--origin",
        origin,
        "--method",
        "PUT",
        "--header",
        "Authorization: Bearer t",
        "--credentials",
        "--data",
        "x",
        "--actual",
    )
    assert code == 0 and out["allowed"] is True
    pre = {"response_headers": out["preflight"]["response_headers"]}
    assert response_header(pre, "access-control-allow-origin") == [origin]
    assert response_header(pre, "access-control-allow-credentials") == ["true"]
    hop = out["actual"]["hops"][0]
    assert response_header(hop, "access-control-allow-origin") == [origin]
    assert response_header(hop, "access-control-allow-credentials") == ["true"]


# -- an unhandled exception ------------------------------------------------------------------


def test_an_unhandled_exception_is_a_500_without_cors_headers(check, starlette_server):
    url = starlette_server("explicit") + "/boom"
    code, out = check(url, "--origin", PAGE)
    assert code == 1 and out["allowed"] is False
    hop = out["actual"]["hops"][0]
    assert hop["status"] == 500
    assert response_header(hop, "access-control-allow-origin") == []
    assert errors(out) == ["CD301"]
    assert "CD308" in codes(out)
    assert out["browser_message"] == head(url) + NO_ACAO
    assert any("ServerErrorMiddleware" in note for note in out["fix"]["notes"])


# -- redirects -----------------------------------------------------------------------------------


def test_a_redirect_before_cors_runs_fails_the_preflight(check, starlette_server):
    # The API is mounted at /api; the outer router redirects /api to /api/ without CORS headers.
    url = starlette_server("mounted") + "/api"
    code, out = check(url, "--origin", PAGE, "--method", "PUT")
    assert code == 1 and out["allowed"] is False
    assert out["preflight"]["status"] == 307
    assert errors(out) == ["CD201"]
    assert out["browser_message"] == head(url) + PREFIX + "Redirect is not allowed for a preflight request."
    location = response_header({"response_headers": out["preflight"]["response_headers"]}, "location")
    assert location and location[0].endswith("/api/")
    assert any("redirect" in note.lower() for note in out["fix"]["notes"])


def test_the_slash_redirect_inside_corsmiddleware_is_followed_after_the_preflight(check, starlette_server):
    # CORSMiddleware answers the preflight itself, so the slash redirect only meets the PUT: a
    # same-origin 307 with CORS headers, which the browser follows (preflighting /slash/ again).
    base = starlette_server("explicit")
    code, out = check(base + "/slash", "--origin", PAGE, "--method", "PUT", "--data", "x", "--actual")
    assert code == 0 and out["allowed"] is True
    hops = out["actual"]["hops"]
    assert [(h["method"], h["url"], h["status"]) for h in hops] == [
        ("PUT", base + "/slash", 307),
        ("PUT", base + "/slash/", 200),
    ]
    assert "CD201" not in codes(out)


# -- the human output ------------------------------------------------------------------------------


def test_the_human_output_says_blocked_and_prints_the_console_message(cli, starlette_server):
    url = starlette_server("explicit") + "/items"
    result = cli("check", url, "--origin", OTHER_PAGE, "--timeout", "5")
    assert result.code == 1 and result.stderr == ""
    assert "BLOCKED" in result.stdout and "ALLOWED" not in result.stdout
    assert head(url, OTHER_PAGE) + NO_ACAO in result.stdout
    assert "CD301" in result.stdout
    assert "allow_origins" in result.stdout  # the FastAPI fix


def test_the_human_output_says_allowed(cli, starlette_server):
    url = starlette_server("explicit") + "/items"
    result = cli("check", url, "--origin", PAGE, "--timeout", "5")
    assert result.code == 0 and result.stderr == ""
    assert "ALLOWED" in result.stdout and "BLOCKED" not in result.stdout
    assert "x-request-id" in result.stdout
