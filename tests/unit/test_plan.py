"""What the browser does with a fetch() before anything is sent (REQ-*, PF-*, PFR-*)."""

from __future__ import annotations

import pytest

from cors_doctor.errors import UsageError

from ._support import API, PAGE, first_request, get, make_plan, names

# -- REQ-2 method normalization ------------------------------------------------------------


@pytest.mark.parametrize(
    "written, sent",
    [
        ("get", "GET"),
        ("Get", "GET"),
        ("head", "HEAD"),
        ("post", "POST"),
        ("pOsT", "POST"),
        ("put", "PUT"),
        ("delete", "DELETE"),
        ("options", "OPTIONS"),
        ("patch", "patch"),
        ("Patch", "Patch"),
        ("PATCH", "PATCH"),
        ("propfind", "propfind"),
    ],
)
def test_only_six_methods_are_uppercased(written, sent):
    assert make_plan(written).method == sent


def test_lowercase_patch_is_sent_as_written_and_flagged():
    plan = make_plan("patch")
    assert plan.preflight_required
    assert first_request(plan).method == "OPTIONS"
    assert get(first_request(plan), "Access-Control-Request-Method") == "patch"
    assert "CD102" in [f.code for f in plan.findings]


@pytest.mark.parametrize("method", ["propfind", "PropFind", "X-Custom", "PATCH"])
def test_acrm_carries_a_custom_method_byte_for_byte(method):
    assert get(first_request(make_plan(method)), "Access-Control-Request-Method") == method


def test_lowercase_put_becomes_put_without_a_warning():
    plan = make_plan("put")
    assert get(first_request(plan), "Access-Control-Request-Method") == "PUT"
    assert "CD102" not in [f.code for f in plan.findings]


def test_lowercase_options_is_not_safelisted():
    plan = make_plan("options")
    assert plan.method == "OPTIONS" and plan.preflight_required


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "get", "post"])
def test_safelisted_methods_need_no_preflight(method):
    assert not make_plan(method).preflight_required


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "X-Custom"])
def test_other_methods_need_a_preflight(method):
    plan = make_plan(method)
    assert plan.preflight_required
    assert any(method.upper() in reason.upper() for reason in plan.preflight_reasons)


# -- REQ-1 forbidden and invalid methods -------------------------------------------------


@pytest.mark.parametrize("method", ["CONNECT", "connect", "TRACE", "trace", "TRACK", "Track"])
def test_forbidden_methods_are_a_usage_error(method):
    with pytest.raises(UsageError, match=r"(?i)forbidden"):
        make_plan(method)


@pytest.mark.parametrize("method", ["GET POST", "", "GÉT", "get\n", "(GET)"])
def test_a_method_that_is_not_a_token_is_a_usage_error(method):
    with pytest.raises(UsageError):
        make_plan(method)


def test_a_body_with_get_is_a_usage_error():
    with pytest.raises(UsageError, match="body"):
        make_plan("GET", body="x")


# -- REQ-3 forbidden request headers -----------------------------------------------------

FORBIDDEN = [
    "Accept-Charset",
    "Accept-Encoding",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Connection",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Date",
    "DNT",
    "Expect",
    "Host",
    "Keep-Alive",
    "Origin",
    "Referer",
    "Set-Cookie",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
    "cookie",
    "HOST",
    "Proxy-Authorization",
    "Proxy-Connection",
    "proxy-anything",
    "Sec-Fetch-Mode",
    "Sec-CH-UA",
    "sec-anything",
]


@pytest.mark.parametrize("name", FORBIDDEN)
def test_forbidden_headers_are_dropped_with_cd101(name):
    plan = make_plan("GET", [(name, "1")])
    assert plan.dropped_headers == (name,)
    assert name.lower() not in {n.lower() for n, _ in plan.headers}
    assert not plan.preflight_required, "a dropped header cannot trigger a preflight"
    assert [f.code for f in plan.findings if f.code == "CD101"] == ["CD101"]
    assert name in next(f.message for f in plan.findings if f.code == "CD101")


@pytest.mark.parametrize("name", ["Cookie", "Origin", "Sec-Fetch-Site", "Proxy-Authorization"])
def test_a_dropped_header_is_never_sent(name):
    plan = make_plan("PUT", [(name, "forged"), ("X-Custom", "1")])
    request = first_request(plan)
    assert get(request, "Access-Control-Request-Headers") == "x-custom"
    assert "forged" not in {v for _, v in request.headers}
    if name == "Origin":
        assert get(request, "Origin") == PAGE
    elif not name.startswith("Sec-"):
        assert name.lower() not in names(request)


@pytest.mark.parametrize(
    "name", ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "x-http-method-override"]
)
@pytest.mark.parametrize("value", ["TRACE", "connect", "GET, Track", " CONNECT "])
def test_method_override_headers_naming_a_forbidden_method_are_dropped(name, value):
    plan = make_plan("POST", [(name, value)])
    assert plan.dropped_headers == (name,)
    assert "CD101" in [f.code for f in plan.findings]
    assert not plan.preflight_required


@pytest.mark.parametrize("value", ["PATCH", "DELETE", "GET, PUT", "TRACEY"])
def test_method_override_headers_naming_other_methods_are_sent_and_preflighted(value):
    plan = make_plan("POST", [("X-HTTP-Method-Override", value)])
    assert plan.dropped_headers == ()
    assert plan.unsafe_header_names == ("x-http-method-override",)
    assert plan.preflight_required


def test_chrome_drops_a_script_set_user_agent():
    plan = make_plan("GET", [("User-Agent", "my-client/1.0")], browser="chrome")
    assert plan.dropped_headers == ("User-Agent",)
    assert "CD101" in [f.code for f in plan.findings]
    assert not plan.preflight_required


def test_firefox_sends_a_script_set_user_agent_and_preflights_it():
    plan = make_plan("GET", [("User-Agent", "my-client/1.0")], browser="firefox")
    assert plan.dropped_headers == ()
    assert plan.preflight_required
    assert plan.unsafe_header_names == ("user-agent",)


# -- PF-3 / PF-4 CORS-safelisted request headers ----------------------------------------

CONTENT_TYPE_SAFE = [
    "text/plain",
    "text/plain;",
    "text/plain;garbage",
    "multipart/form-data",
    "application/x-www-form-urlencoded;charset=UTF-8",
    "text/plain; charset=utf-8",
    "text/plain;charset=UTF-8",
    "TEXT/PLAIN",
    "Application/X-WWW-Form-Urlencoded",
    "  text/plain  ",
]
CONTENT_TYPE_UNSAFE = [
    "text /plain",
    "text\t/\tplain",
    "text/plain,",
    ",text/plain",
    "text/plain,text/plain",
    "text/plain,x/x",
    "text/plain\x0b",
    "text/plain\x0c",
    "application/www-form-urlencoded",
    "application/x-www-form-urlencoded;\x7f",
    'multipart/form-data;"',
    'multipart/form-data; boundary="b"',
    "text/plain;garbage\x01\x02",
    "application/json",
    "application/json; charset=utf-8",
    "text/html",
    "text",
    "/plain",
    "text/",
]


@pytest.mark.parametrize("value", CONTENT_TYPE_SAFE)
def test_safelisted_content_types_need_no_preflight(value):
    plan = make_plan("POST", [("Content-Type", value)], body="x")
    assert not plan.preflight_required, plan.preflight_reasons


@pytest.mark.parametrize("value", CONTENT_TYPE_UNSAFE)
def test_other_content_types_are_preflighted(value):
    plan = make_plan("POST", [("Content-Type", value)], body="x")
    assert plan.preflight_required
    assert plan.unsafe_header_names == ("content-type",)


def test_a_string_body_without_content_type_is_sent_as_text_plain():
    plan = make_plan("POST", body='{"a": 1}')
    assert ("Content-Type", "text/plain;charset=UTF-8") in plan.headers
    assert not plan.preflight_required
    assert "CD104" in [f.code for f in plan.findings]


@pytest.mark.parametrize("name", ["Accept", "Accept-Language", "Content-Language", "Content-Type"])
def test_values_longer_than_128_bytes_are_not_safelisted(name):
    fill = {"Accept": "a", "Accept-Language": "a", "Content-Language": "a", "Content-Type": "c"}[name]
    base = "text/plain;" if name == "Content-Type" else ""
    at_limit = base + fill * (128 - len(base))
    assert len(at_limit) == 128
    assert not make_plan("POST", [(name, at_limit)], body="x").preflight_required
    over = make_plan("POST", [(name, at_limit + fill)], body="x")
    assert over.preflight_required
    assert over.unsafe_header_names == (name.lower(),)
    assert any("128" in reason for reason in over.preflight_reasons)


def test_range_longer_than_128_bytes_is_not_safelisted():
    at_limit = "bytes=" + "0" * 60 + "5-" + "0" * 59 + "9"
    assert len(at_limit) == 128
    assert make_plan("GET", [("Range", at_limit)]).preflight_required is False
    assert make_plan("GET", [("Range", at_limit.replace("5-", "05-"))]).preflight_required is True


@pytest.mark.parametrize("value", ["application/json", "*/*", "text/html, application/xhtml+xml;q=0.9", "a;b=c, d"])
def test_accept_without_unsafe_bytes_needs_no_preflight(value):
    assert not make_plan("GET", [("Accept", value)]).preflight_required


@pytest.mark.parametrize("byte", [*list('"():<>?@[\\]{}'), "\x7f", "\x01", "\x1f", "\x0b"])
def test_a_cors_unsafe_byte_makes_accept_unsafe(byte):
    plan = make_plan("GET", [("Accept", f"application/json{byte}x")])
    assert plan.unsafe_header_names == ("accept",)


def test_tab_is_not_a_cors_unsafe_byte():
    assert not make_plan("GET", [("Accept", "a\tb")]).preflight_required


@pytest.mark.parametrize("value", ["en-US,en;q=0.9", "de", "*", "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", "en US"])
def test_accept_language_with_allowed_bytes_needs_no_preflight(value):
    assert not make_plan("GET", [("Accept-Language", value)]).preflight_required


@pytest.mark.parametrize("value", ["en_US", "de:DE", "fr\xe9", '"en"', "en/US", "en(US)"])
@pytest.mark.parametrize("name", ["Accept-Language", "Content-Language"])
def test_language_headers_outside_their_charset_are_preflighted(name, value):
    plan = make_plan("GET", [(name, value)])
    assert plan.unsafe_header_names == (name.lower(),)


@pytest.mark.parametrize("value", ["bytes=0-10", "bytes=200-", "bytes=100-200", "bytes=0-0"])
def test_a_single_simple_range_needs_no_preflight(value):
    assert not make_plan("GET", [("Range", value)]).preflight_required


@pytest.mark.parametrize(
    "value",
    [
        "bytes=-5",
        "bytes=-200",
        "bytes= 0-10",
        "bytes =0-10",
        "bytes=0 -10",
        "bytes=0- 10",
        "bytes=0-10,20-30",
        "bytes=100-200,300-400",
        "bytes=200-100",
        "bytes=abc-def",
        "100-200",
        "MB=100-200",
        "bytes 100-200",
        "bytes=100-200hello",
        "bytes=",
        "bytes=-",
    ],
)
def test_other_range_values_are_preflighted(value):
    plan = make_plan("GET", [("Range", value)])
    assert plan.unsafe_header_names == ("range",)


def test_chrome_preflights_a_range_with_a_capital_b():
    # Chromium 156 (recorded) sends a preflight with ACRH "range" for `Range: Bytes=0-10`.
    assert make_plan("GET", [("Range", "Bytes=0-10")], browser="chrome").preflight_required


def test_chrome_preflights_a_range_start_that_overflows():
    # Chromium 156 (recorded) preflights a 20-digit range start: it does not fit in an int64.
    assert make_plan("GET", [("Range", "bytes=99999999999999999999-")], browser="chrome").preflight_required


def test_firefox_preflights_a_range_with_a_capital_b():
    # Firefox 153 (recorded, hdr-range-capital-bytes) preflights it, as the spec says.
    assert make_plan("GET", [("Range", "Bytes=0-10")], browser="firefox").preflight_required


def test_webkit_reads_the_range_unit_case_insensitively():
    # WebKitGTK 2.50 (recorded, hdr-range-capital-bytes) sends `Bytes=0-10` without a preflight.
    assert not make_plan("GET", [("Range", "Bytes=0-10")], browser="safari").preflight_required


@pytest.mark.parametrize("browser", ["firefox", "safari"])
def test_every_engine_preflights_a_range_start_that_overflows(browser):
    # hdr-range-overflow, recorded in Firefox 153 and WebKitGTK 2.50 as in Chromium 156.
    assert make_plan("GET", [("Range", "bytes=99999999999999999999-")], browser=browser).preflight_required


@pytest.mark.parametrize("name", ["X-Requested-With", "Authorization", "Last-Event-ID", "X-Custom", "DPR-Other"])
def test_unlisted_header_names_are_preflighted(name):
    plan = make_plan("GET", [(name, "1")])
    assert plan.unsafe_header_names == (name.lower(),)


# -- PF-5 the 1024-byte total ------------------------------------------------------------


def _full_headers() -> list[tuple[str, str]]:
    """Eight 128-byte values that Chrome safelists one by one: 1024 bytes in total."""
    return [
        ("Accept", "a" * 128),
        ("Accept-Language", "b" * 128),
        ("Content-Language", "c" * 128),
        ("Content-Type", "text/plain;" + "d" * 117),
        ("DPR", "1" * 128),
        ("Device-Memory", "2" * 128),
        ("Width", "3" * 128),
        ("Viewport-Width", "4" * 128),
    ]


def test_safelisted_values_totalling_1024_bytes_need_no_preflight_in_chrome():
    plan = make_plan("POST", _full_headers(), body="x")
    assert sum(len(v) for _, v in plan.headers) == 1024
    assert not plan.preflight_required


def test_safelisted_values_over_1024_bytes_all_go_into_acrh():
    plan = make_plan("POST", [*_full_headers(), ("Range", "bytes=0-10")], body="x")
    assert plan.preflight_required
    acrh = get(first_request(plan), "Access-Control-Request-Headers")
    # Chromium 156 (recorded) sends exactly this list.
    assert acrh == "accept,accept-language,content-language,content-type,device-memory,dpr,range,viewport-width,width"


def test_the_total_counts_only_headers_that_are_safelisted_on_their_own():
    headers = [("Accept", "a" * 128), ("X-Big", "x" * 1000), ("Content-Language", "c" * 128)]
    plan = make_plan("GET", headers)
    assert plan.unsafe_header_names == ("x-big",)


# -- PF-7 Access-Control-Request-Headers ---------------------------------------------------


def test_acrh_is_lowercased_sorted_and_comma_joined_without_spaces():
    plan = make_plan("GET", [("X-B", "1"), ("Content-Type", "application/json"), ("x-a", "2")])
    assert get(first_request(plan), "Access-Control-Request-Headers") == "content-type,x-a,x-b"


def test_acrh_sorts_by_byte_value():
    plan = make_plan("GET", [("X-Z", "1"), ("x_a", "1"), ("X-1", "1"), ("X-a", "1")])
    assert get(first_request(plan), "Access-Control-Request-Headers") == "x-1,x-a,x-z,x_a"


def test_acrh_lists_a_header_given_twice_once():
    plan = make_plan("GET", [("X-Trace", "1"), ("x-trace", "2")])
    assert get(first_request(plan), "Access-Control-Request-Headers") == "x-trace"
    assert "CD103" in [f.code for f in plan.findings]


def test_acrh_leaves_out_safelisted_headers():
    plan = make_plan(
        "PUT", [("Accept", "application/json"), ("Content-Type", "text/plain"), ("X-Custom", "1")], body="x"
    )
    assert get(first_request(plan), "Access-Control-Request-Headers") == "x-custom"


def test_put_without_custom_headers_has_no_acrh():
    request = first_request(make_plan("PUT"))
    assert "access-control-request-headers" not in names(request)


def test_duplicated_content_type_is_combined_and_preflighted():
    plan = make_plan("POST", [("Content-Type", "text/plain"), ("Content-Type", "text/plain")], body="x")
    assert ("Content-Type", "text/plain, text/plain") in plan.headers
    assert plan.unsafe_header_names == ("content-type",)


# -- PFR-* the preflight request ---------------------------------------------------------


def test_the_preflight_request_is_built_like_the_browser_builds_it():
    plan = make_plan(
        "PUT",
        [("Content-Type", "application/json"), ("Authorization", "Bearer t"), ("X-Trace", "1")],
        credentials=True,
        body="{}",
    )
    request = first_request(plan, cookie="session=abc")
    assert request.kind == "preflight"
    assert request.method == "OPTIONS"
    assert request.url == API
    assert request.body is None
    assert request.with_credentials is False
    assert get(request, "Accept") == "*/*"
    assert get(request, "Access-Control-Request-Method") == "PUT"
    assert get(request, "Access-Control-Request-Headers") == "authorization,content-type,x-trace"
    assert get(request, "Origin") == PAGE
    for absent in ("cookie", "authorization", "content-type", "content-length", "x-trace"):
        assert absent not in names(request), f"{absent} must not be on the preflight"


def test_the_preflight_origin_is_the_serialized_origin():
    plan = make_plan("PUT", origin="HTTPS://App.Example:443")
    assert get(first_request(plan), "Origin") == "https://app.example"
    plan = make_plan("PUT", origin="http://localhost:5173")
    assert get(first_request(plan), "Origin") == "http://localhost:5173"


def test_a_post_preflighted_for_a_header_still_sends_acrm():
    request = first_request(make_plan("POST", [("X-Custom", "1")]))
    assert get(request, "Access-Control-Request-Method") == "POST"


def test_the_preflight_carries_fetch_metadata_for_https():
    request = first_request(make_plan("PUT"))
    assert get(request, "Sec-Fetch-Mode") == "cors"
    assert get(request, "Sec-Fetch-Dest") == "empty"
    # `example` is not a public suffix, so app.example and api.example are different sites.
    assert get(request, "Sec-Fetch-Site") == "cross-site"
    same_site = first_request(make_plan("PUT", url="https://api.example.com/x", origin="https://app.example.com"))
    assert get(same_site, "Sec-Fetch-Site") == "same-site"


def test_a_same_origin_request_needs_no_preflight():
    plan = make_plan("PUT", [("X-Custom", "1")], url=PAGE + "/api", origin=PAGE)
    assert plan.same_origin and not plan.preflight_required
    assert "CD106" in [f.code for f in plan.findings]


# -- input checks that belong to fetch() itself --------------------------------------------


@pytest.mark.parametrize(
    "name, value",
    [("Bad Name", "1"), ("X:Y", "1"), ("", "1"), ("X-A", "a\r\nb"), ("X-A", "a\x00b"), ("X-A", "snow\u2603")],
)
def test_headers_fetch_refuses_are_usage_errors(name, value):
    with pytest.raises(UsageError):
        make_plan("GET", [(name, value)])


def test_header_values_are_trimmed_like_fetch_does():
    plan = make_plan("GET", [("X-Custom", "  1 \t")])
    assert ("X-Custom", "1") in plan.headers
