"""Property tests: whatever a server replies, the evaluator answers (never raises) and always
the same way; whatever the user types, planning gives a Plan or a UsageError; origins survive
parse -> serialize -> parse."""

from __future__ import annotations

import ipaddress
import os
import re

import idna
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cors_doctor.errors import UsageError
from cors_doctor.evaluate import Simulation, evaluate
from cors_doctor.model import BROWSERS, Plan, RequestSpec, Response
from cors_doctor.origin import DEFAULT_PORTS, Origin, parse_origin
from cors_doctor.plan import build_plan

PAGE = "http://localhost:5173"
API = "https://api.example.com/v1/items"
# CORS_DOCTOR_EXAMPLES=5000 for a deeper search than the default run affords.
SETTINGS = settings(
    max_examples=int(os.environ.get("CORS_DOCTOR_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# -- what a server may send ---------------------------------------------------------------

LATIN_1 = st.characters(min_codepoint=0, max_codepoint=255)
CORS_NAMES = [
    "Access-Control-Allow-Origin",
    "access-control-allow-origin",
    "ACCESS-CONTROL-ALLOW-ORIGIN",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Private-Network",
    "Location",
    "Vary",
    "Set-Cookie",
    "Content-Type",
    "Server",
    "Via",
    "X-Powered-By",
]
INTERESTING_VALUES = [
    "*",
    PAGE,
    PAGE + "/",
    PAGE.upper(),
    "null",
    "",
    " ",
    "true",
    "True",
    "false",
    "*, *",
    f"{PAGE}, {PAGE}",
    "GET, PUT, patch",
    "*",
    "Authorization",
    "authorization, x-custom",
    "x-custom,",
    ",,",
    "0",
    "-1",
    "86400",
    "99999999999999999999999",
    "1e3",
    "/next",
    "https://api.example.com/v1/next",
    "//other.example/x",
    "http://[::1",
    "ftp://x",
    "http://u:p@host/",
    "Origin",
    "Accept-Encoding, Origin",
    "http://l\xf6calhost:5173",
    "\xff\xfe",
    "\t*\t",
    "a" * 5000,
]
names = st.one_of(st.sampled_from(CORS_NAMES), st.text(LATIN_1, max_size=30))
values = st.one_of(st.sampled_from(INTERESTING_VALUES), st.text(LATIN_1, max_size=200))
header_lists = st.lists(st.tuples(names, values), max_size=12).map(tuple)
statuses = st.one_of(
    st.sampled_from([200, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 500, 503]),
    st.integers(min_value=0, max_value=999),
)
responses = st.builds(
    Response,
    status=statuses,
    headers=header_lists,
    reason=st.text(LATIN_1, max_size=20),
    body_excerpt=st.text(max_size=100),
    http_version=st.sampled_from(["HTTP/1.1", "HTTP/2", "HTTP/1.0"]),
)
replies = st.lists(st.one_of(responses, st.none()), min_size=1, max_size=45)

# -- what a user may ask for --------------------------------------------------------------

SPECS = [
    RequestSpec(API, PAGE),
    RequestSpec(API, PAGE, "PUT", (("Content-Type", "application/json"), ("Authorization", "Bearer t")), True, "{}"),
    RequestSpec(API, PAGE, "patch", (("X-Custom", "1"),)),
    RequestSpec(API, "null", "POST", (("Content-Type", "text/plain"),), False, "x"),
    RequestSpec(API, "https://api.example.com", "DELETE"),  # same-origin
    RequestSpec("http://api.example.com/x", "https://app.example.com"),  # mixed content
    RequestSpec("http://127.0.0.1:8000/x", "https://app.example.com", "GET", (("Range", "bytes=0-1"),), True),
]
plans = st.builds(
    lambda spec, browser: build_plan(RequestSpec(**{**spec.__dict__, "browser": browser})),
    st.sampled_from(SPECS),
    st.sampled_from(BROWSERS),
)


def _run(plan: Plan, replies: list[Response | None], send_actual: bool):
    sim = Simulation(plan, send_actual=send_actual, cookie="session=1")
    sent = []
    for reply in replies:
        request = sim.next_request()
        if request is None:
            break
        sent.append(request)
        sim.feed(reply, None if reply is not None else "connection reset")
    return sim.verdict(), sent


@SETTINGS
@given(plan=plans, replies=replies, send_actual=st.booleans())
def test_the_evaluator_never_raises_and_is_deterministic(plan, replies, send_actual):
    first, sent = _run(plan, replies, send_actual)
    second, sent_again = _run(plan, replies, send_actual)
    assert first == second
    assert sent == sent_again
    assert first.allowed in (True, False)
    assert not (first.allowed and first.errors)
    assert len(sent) <= 2 * 21  # a preflight and an actual request per hop, 20 redirects at most
    for request in sent:
        if request.kind == "preflight":
            assert not any(n.lower() in ("cookie", "authorization") for n, _ in request.headers)
        elif not send_actual:
            assert request.method.upper() in ("GET", "HEAD")


@SETTINGS
@given(plan=plans, replies=replies)
def test_offline_evaluation_never_raises_and_is_deterministic(plan, replies):
    assert evaluate(plan, list(replies)) == evaluate(plan, list(replies))


# -- planning -----------------------------------------------------------------------------

URLS = [
    API,
    "http://127.0.0.1:8000/",
    "https://bücher.example/x?q=1#f",
    "http://[::1]:8080/",
    "/relative",
    "ftp://x/",
    "http://",
    "https://user:pw@api.example.com/",
    "http://exa mple.com/",
    "http://[::1/",
    "http://host:99999/",
    "https://xn--nxasmq6b.com/",
    "HTTP://API.EXAMPLE.COM",
    "",
]
ORIGINS = [
    PAGE,
    "null",
    "https://app.example.com",
    PAGE + "/",
    "localhost:5173",
    "http://[::1]:3000",
    "https://ünïcode.example",
    "http://a:b@host",
    "http://host/path",
    "ftp://host",
    "http://host:0",
    "",
]
METHODS = ["GET", "get", "POST", "PUT", "patch", "DELETE", "OPTIONS", "CONNECT", "TRACE", "TRACK", "GE T", "", "M\xe9"]
free_text = st.text(max_size=40)
header_pairs = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                ["Content-Type", "Authorization", "Cookie", "Range", "X-A", "Accept", "Sec-X", "Proxy-X", ""]
            ),
            free_text,
        ),
        st.one_of(
            st.sampled_from(["application/json", "text/plain", "bytes=0-1", "a\r\nb", "\u2603", "x" * 300]), free_text
        ),
    ),
    max_size=6,
).map(tuple)
specs = st.builds(
    RequestSpec,
    url=st.one_of(st.sampled_from(URLS), free_text),
    origin=st.one_of(st.sampled_from(ORIGINS), free_text),
    method=st.one_of(st.sampled_from(METHODS), free_text),
    headers=header_pairs,
    credentials=st.booleans(),
    body=st.one_of(st.none(), free_text),
    browser=st.sampled_from(BROWSERS),
)


@SETTINGS
@given(spec=specs)
@example(spec=RequestSpec("http://[::1/", PAGE))
@example(spec=RequestSpec(API, "http://[fe80::1%25eth0]"))
def test_planning_gives_a_plan_or_a_usage_error(spec):
    try:
        plan = build_plan(spec)
    except UsageError as exc:
        assert str(exc)
        return
    assert isinstance(plan, Plan)
    assert build_plan(spec) == plan


# -- origins ------------------------------------------------------------------------------

label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
# A host whose last label is a number (`a.0`, `x.0x1f`) is parsed as IPv4 by the URL Standard, and
# browsers refuse it unless the whole host is an address: such names are not domain names.
ascii_hosts = (
    st.lists(label, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda h: not re.fullmatch(r"[0-9]+|0x[0-9a-f]*", h.rsplit(".", 1)[-1]))
)
idn_labels = st.sampled_from(["bücher", "münchen", "例え", "пример", "ελληνικά", "café", "straße"])
idn_hosts = st.tuples(idn_labels, st.sampled_from(["example", "test", "de"])).map(".".join)
ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(lambda a: f"[{a}]")
hosts = st.one_of(ascii_hosts, idn_hosts, ipv4, ipv6)
ports = st.one_of(st.none(), st.sampled_from([80, 443]), st.integers(min_value=1, max_value=65535))


@SETTINGS
@given(scheme=st.sampled_from(["http", "https"]), host=hosts, port=ports)
@example(scheme="https", host="straße.example", port=None)
def test_origins_round_trip(scheme, host, port):
    text = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    origin = parse_origin(text)
    assert origin.scheme == scheme
    assert origin.port == (port if port is not None else DEFAULT_PORTS[scheme])
    serialized = origin.serialize()
    assert parse_origin(serialized) == origin
    assert parse_origin(serialized).serialize() == serialized
    assert (
        (":" + str(port)) in serialized
        if port not in (None, DEFAULT_PORTS[scheme])
        else serialized.count(":") == 1 + host.count(":")
    )
    if host.startswith("["):
        assert origin.host == f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
    elif host.isascii():
        assert origin.host == host.lower()
    else:
        # The URL Standard's host parser: UTS #46 with Transitional_Processing=false, so 'ß'
        # stays 'ß' (xn--strae-oqa), where IDNA 2003 would map it to 'ss'.
        assert origin.host == idna.encode(host, uts46=True, transitional=False).decode("ascii")


@SETTINGS
@given(scheme=st.sampled_from(["http", "https"]), host=hosts, port=ports)
def test_an_origin_with_a_trailing_slash_path_or_userinfo_is_refused(scheme, host, port):
    base = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    for bad in (base + "/", base + "/app", base + "?q=1", f"{scheme}://user@{host}"):
        try:
            parse_origin(bad)
        except UsageError:
            continue
        raise AssertionError(f"{bad!r} was accepted as an origin")


def test_origin_serialization_is_canonical():
    assert Origin("https", "example.com", 443).serialize() == "https://example.com"
    assert Origin("http", "example.com", 8080).serialize() == "http://example.com:8080"
    assert parse_origin("HTTPS://Example.COM:443") == Origin("https", "example.com", 443)
