"""Messages as Firefox, Safari and older or rarer Chrome builds print them, from their documented texts.

Firefox's texts come from its security.properties (current and Firefox-68-era keys), Safari's from
WebKit's CrossOriginAccessControl.cpp and the Web Inspector console layout, Chrome's older and
Local/Private Network Access texts from cors_error_string.cc of several versions. They are
written out here with example values, as a user would paste them.
"""

from __future__ import annotations

import pytest

from cors_doctor.explain.recognise import explain

API = "https://api.example.com/items"
PAGE = "https://app.example.com"
FF = f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}. (Reason: "
CHROME = f"Access to fetch at '{API}' from origin '{PAGE}' has been blocked by CORS policy: "

# text, browser, kind, code, expected parameters
DOCUMENTED = [
    # Firefox, current security.properties (typographic quotes, as Firefox prints them)
    (
        FF + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.",
        "firefox",
        "missing",
        "CD301",
        {"status": 404},
    ),
    (
        FF + "CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://app.example.com/’).",
        "firefox",
        "mismatch",
        "CD304",
        {"hint": "https://app.example.com/"},
    ),
    (
        FF + "CORS header ‘Access-Control-Allow-Origin’ does not match ‘app.example.com’).",
        "firefox",
        "invalid",
        "CD303",
        {"hint": "app.example.com"},
    ),
    (
        FF + "CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://a.example, https://b.example’).",
        "firefox",
        "multiple",
        "CD302",
        {},
    ),
    (FF + "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).", "firefox", "multiple", "CD302", {}),
    (
        f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{API}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
        "firefox",
        "wildcard",
        "CD305",
        {"url": API},
    ),
    (FF + "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).", "firefox", "credentials", "CD306", {}),
    (FF + "CORS preflight response did not succeed). Status code: 405.", "firefox", "status", "CD202", {"status": 405}),
    (FF + "CORS request external redirect not allowed).", "firefox", "redirect", "CD201", {}),
    (
        FF + "invalid token ‘GET POST’ in CORS header ‘Access-Control-Allow-Methods’).",
        "firefox",
        "methods-unparsable",
        "CD203",
        {"hint": "GET POST"},
    ),
    (
        FF + "invalid token ‘Content Type’ in CORS header ‘Access-Control-Allow-Headers’).",
        "firefox",
        "headers-unparsable",
        "CD204",
        {"hint": "Content Type"},
    ),
    (FF + "Did not find method in CORS header ‘Access-Control-Allow-Methods’).", "firefox", "method", "CD205", {}),
    (
        FF
        + "header ‘x-api-key’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
        "firefox",
        "header",
        "CD206",
        {"hint": "x-api-key"},
    ),
    (FF + "CORS request did not succeed). Status code: (null).", "firefox", "network", "CD113", {"status": None}),
    (FF + "CORS request not http).", "firefox", "scheme", "CD110", {}),
    (FF + "CORS disabled).", "firefox", "cors-disabled", "CD112", {}),
    (FF + "CORS header ‘Origin’ cannot be added).", "firefox", "origin-not-added", "CD112", {}),
    (
        f"Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at {API} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`).",
        "firefox",
        "authorization-wildcard",
        "CD207",
        {},
    ),
    (
        "Blocked loading mixed active content “http://api.example.com/items”",
        "firefox",
        "mixed-content",
        "CD107",
        {"url": "http://api.example.com/items"},
    ),
    # Firefox 68-era wordings (MDN page titles still use them)
    (FF + "CORS header 'Access-Control-Allow-Origin' missing).", "firefox", "missing", "CD301", {"status": None}),
    (FF + "CORS preflight channel did not succeed).", "firefox", "status", "CD202", {}),
    (
        FF + "missing token 'x-api-key' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel).",
        "firefox",
        "header",
        "CD206",
        {"hint": "x-api-key"},
    ),
    (FF + "CORS request did not succeed).", "firefox", "network", "CD113", {}),
    # Safari (Web Inspector prefixes [Error]; the second line names the URL)
    (
        f"[Error] Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 500\n[Error] Fetch API cannot load {API} due to access control checks.",
        "safari",
        "missing",
        "CD301",
        {"status": 500, "origin": PAGE, "url": API},
    ),
    (
        f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin.\nXMLHttpRequest cannot load {API} due to access control checks.",
        "safari",
        "missing",
        "CD301",
        {"origin": PAGE, "url": API},
    ),
    ("[Error] Access-Control-Allow-Origin cannot contain more than one origin.", "safari", "multiple", "CD302", {}),
    (
        "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
        "safari",
        "wildcard",
        "CD305",
        {},
    ),
    (
        'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
        "safari",
        "credentials",
        "CD306",
        {},
    ),
    ("Preflight response is not successful. Status code: 401", "safari", "status", "CD202", {"status": 401}),
    ("Preflight response is not successful. Status code: 301", "safari", "redirect", "CD201", {"status": 301}),
    ("Header Access-Control-Allow-Methods has an invalid value: GET POST", "safari", "methods-unparsable", "CD203", {}),
    (
        "Header Access-Control-Allow-Headers has an invalid value: Content Type",
        "safari",
        "headers-unparsable",
        "CD204",
        {},
    ),
    ("Method PATCH is not allowed by Access-Control-Allow-Methods.", "safari", "method", "CD205", {"hint": "PATCH"}),
    (
        "Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers.",
        "safari",
        "header",
        "CD206",
        {"hint": "X-Api-Key"},
    ),
    (
        f"Cross-origin redirection to https://user:pw@cdn.example.com/x denied by Cross-Origin Resource Sharing policy: redirection URL https://user:pw@cdn.example.com/x has credentials\nFetch API cannot load {API} due to access control checks.",
        "safari",
        "userinfo",
        "CD401",
        {},
    ),
    (
        f"Cross-origin redirection to https://cdn.example.com/x denied by Cross-Origin Resource Sharing policy: Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 302\nFetch API cannot load {API} due to access control checks.",
        "safari",
        "missing",
        "CD301",
        {"url": "https://cdn.example.com/x", "initial_url": API},
    ),
    (
        "Cross-origin redirection to ftp://files.example.com/x denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme",
        "safari",
        "location",
        "CD403",
        {},
    ),
    ("Load cannot follow more than 20 redirections", "safari", "too-many", "CD402", {}),
    (f"Not allowed to follow a redirection while loading {API}", "safari", "redirect-mode", "CD406", {}),
    (
        f"Unsafe attempt to load URL {API} from origin {PAGE}. Domains, protocols and ports must match.",
        "safari",
        "mode",
        "CD111",
        {"origin": PAGE},
    ),
    ("CORS-preflight request was blocked", "safari", "blocked", "CD113", {}),
    (
        f"[blocked] The page at {PAGE}/app requested insecure content from http://api.example.com/items. This content was blocked and must be served over HTTPS.",
        "safari",
        "mixed-content",
        "CD107",
        {"origin": PAGE},
    ),
    (f"[Error] Fetch API cannot load {API} due to access control checks.", "safari", "unknown", None, {"url": API}),
    # Chrome: other initiators, older suffixes, legacy forms, LNA/PNA, the rest of the CorsError enum
    (
        f"Access to XMLHttpRequest at '{API}' from origin '{PAGE}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com/' that is not equal to the supplied origin. Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
        "chrome",
        "mismatch",
        "CD304",
        {"resource": "XMLHttpRequest"},
    ),
    (
        CHROME
        + "No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
        "chrome",
        "missing",
        "CD301",
        {},
    ),
    (
        f"Access to XMLHttpRequest at '{API}' from origin '{PAGE}' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
        "chrome",
        "wildcard",
        "CD305",
        {},
    ),
    (
        f"Access to font at '{API}' from origin '{PAGE}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains the invalid value 'app.example.com'.",
        "chrome",
        "invalid",
        "CD303",
        {"resource": "font"},
    ),
    (
        f"Failed to load {API}: No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin '{PAGE}' is therefore not allowed access. The response had HTTP status code 500.",
        "chrome",
        "missing",
        "CD301",
        {"origin": PAGE, "status": 500},
    ),
    (
        f"Failed to load {API}: Response for preflight has invalid HTTP status code 405",
        "chrome",
        "status",
        "CD202",
        {"status": 405},
    ),
    (
        f"XMLHttpRequest cannot load {API}. Response for preflight is invalid (redirect)",
        "chrome",
        "redirect",
        "CD201",
        {},
    ),
    (
        CHROME + "Permission was denied for this request to access the `loopback` address space.",
        "chrome",
        "lna-denied",
        "CD108",
        {},
    ),
    (
        CHROME + "Permission was denied for this request to access the `unknown` address space.",
        "chrome",
        "lna-denied",
        "CD108",
        {},
    ),
    (
        CHROME
        + "The request client is not a secure context and the resource is in more-private address space `local`.",
        "chrome",
        "lna-insecure",
        "CD108",
        {},
    ),
    (
        CHROME + "Request had a target IP address space of `local` yet the resource is in address space `public`.",
        "chrome",
        "lna-mismatch",
        "CD108",
        {},
    ),
    (
        CHROME
        + "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `private` address space.",
        "chrome",
        "pna-preflight",
        "CD108",
        {},
    ),
    (
        CHROME
        + "Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `local` address space had a value of 'True',  not 'true'.",
        "chrome",
        "pna-preflight",
        "CD108",
        {"hint": "True"},
    ),
    (
        "Access to fetch at 'file:///C:/app/data.json' from origin 'null' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted.",
        "chrome",
        "scheme",
        "CD110",
        {"origin": "null"},
    ),
    (CHROME + "Cross origin requests are not allowed by request mode.", "chrome", "mode", "CD111", {}),
    (CHROME + "The response is invalid.", "chrome", "invalid-response", "CD114", {}),
    (
        CHROME
        + "Redirect location 'https://user:pw@api.example.com/' contains a username and password, which is disallowed for cross-origin requests.",
        "chrome",
        "userinfo",
        "CD401",
        {},
    ),
    (
        f"Mixed Content: The page at '{PAGE}/dashboard' was loaded over HTTPS, but requested an insecure XMLHttpRequest endpoint 'http://api.example.com/items'. This request has been blocked; the content must be served over HTTPS.",
        "chrome",
        "mixed-content",
        "CD107",
        {"origin": PAGE},
    ),
    (
        "Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling.",
        "chrome",
        "authorization-wildcard",
        "CD207",
        {},
    ),
    ('Refused to get unsafe header "X-Request-Id"', "chrome", "unsafe-header-get", "CD501", {"hint": "X-Request-Id"}),
    ('Refused to set unsafe header "Cookie"', "chrome", "unsafe-header-set", "CD101", {"hint": "Cookie"}),
    (f"GET {API} net::ERR_CONNECTION_REFUSED", "chrome", "network", "CD113", {"url": API, "method": "GET"}),
    ("Failed to load resource: net::ERR_TOO_MANY_REDIRECTS", "chrome", "too-many", "CD402", {}),
    # replies Chromium 156 refuses to read (conformance cases line-nul-*, line-*-twice, wpt-pf-status-103)
    ("Failed to load resource: net::ERR_INVALID_HTTP_RESPONSE", "chrome", "reply-rejected", "CD115", {}),
    (
        "Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH",
        "chrome",
        "reply-rejected",
        "CD115",
        {},
    ),
    ("Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION", "chrome", "reply-rejected", "CD115", {}),
    ("Failed to load resource: net::ERR_EMPTY_RESPONSE", "chrome", "reply-rejected", "CD115", {}),
    ("Failed to load resource: net::ERR_INVALID_REDIRECT", "chrome", "location", "CD403", {}),
    (f"GET {API} net::ERR_BLOCKED_BY_CLIENT", "chrome", "blocked", "CD113", {}),
]


@pytest.mark.parametrize(
    "text, browser, kind, code, params", DOCUMENTED, ids=[f"{d[1]}-{d[2]}-{i}" for i, d in enumerate(DOCUMENTED)]
)
def test_documented_message(text, browser, kind, code, params):
    result = explain(text)
    assert not result.unrecognised, result.unrecognised
    assert len(result.explained) == 1
    e = result.explained[0]
    assert (e.browser, e.kind, e.code) == (browser, kind, code)
    for name, value in params.items():
        assert getattr(e, name) == value, (name, getattr(e, name))
    assert e.checked and e.failed and e.fix


def test_safari_says_missing_or_mismatch():
    e = explain(f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 200").explained[0]
    assert e.code == "CD301" and e.also == ("CD304",)


def test_firefox_needs_the_origin_for_its_check():
    e = explain(FF + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.").explained[0]
    assert e.origin is None and e.check.argv()[4] == "PAGE_ORIGIN"
    assert "--browser" in e.check.argv()
    e = explain(FF + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.", origin=PAGE).explained[0]
    assert e.check.origin == PAGE


def test_lowercase_method_gets_the_uppercase_advice():
    e = explain(
        CHROME + "Method patch is not allowed by Access-Control-Allow-Methods in preflight response."
    ).explained[0]
    assert any("'PATCH'" in note for note in e.notes)
    assert e.check.method == "patch"


def test_error_status_points_at_the_error():
    e = explain(FF + "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 500.").explained[0]
    assert any("500" in note and "CD308" in note for note in e.notes)
