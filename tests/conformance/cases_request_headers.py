"""Which request headers need a preflight: the safelist's edges and Chromium's client hints.

Many are ported from web-platform-tests cors/cors-safelisted-request-header.any.js (a POST with
the header: the title says whether WPT expects a preflight). The server allows exactly what is
asked, so the verdict is allowed either way; what is compared is whether a preflight went out and
its Access-Control-Request-Headers.
"""

from __future__ import annotations

from dataclasses import replace

from .cases_requests import pf
from .model import grouped, headers

WPT = "cors/cors-safelisted-request-header.any.js"


def wpt_post(case_id, header, preflight_expected):
    """A POST with `header` (split at the colon; only the space after it is dropped, so control
    bytes at the end of a value stay)."""
    name, _, value = header.partition(":")
    value = value.removeprefix(" ")
    title = ("Preflight" if preflight_expected else "No preflight") + f" for {{{name}: {value!r}}}"
    case = pf(case_id, f"POST with {header!r}", "POST", ((name, value),), body="x")
    return replace(case, wpt=f"{WPT}: {title}")


SAFELIST_EDGE_CASES = grouped(
    "request-header safelist",
    [
        wpt_post("wpt-ct-text-plain-semicolon", "Content-Type: text/plain;", False),
        wpt_post("wpt-ct-text-plain-garbage", "Content-Type: text/plain;garbage", False),
        wpt_post("wpt-ct-tab-in-essence", "Content-Type: text\t/\tplain", True),
        wpt_post("wpt-ct-leading-comma", "Content-Type: ,text/plain", True),
        wpt_post("wpt-ct-vertical-tab", "Content-Type: text/plain\x0b", True),
        wpt_post("wpt-ct-www-form", "Content-Type: application/www-form-urlencoded", True),
        wpt_post("wpt-ct-multipart-quote", 'Content-Type: multipart/form-data;"', True),
        wpt_post("wpt-range-open-end", "Range: bytes=200-", False),
        wpt_post("wpt-range-reversed", "Range: bytes=200-100", True),
        wpt_post("wpt-range-no-unit", "Range: 100-200", True),
        wpt_post("wpt-range-space-after-unit", "Range: bytes =100-200", True),
        wpt_post("wpt-range-letters", "Range: bytes=abc-def", True),
        wpt_post("wpt-last-event-id", "Last-Event-ID: 1", True),
        pf("hdr-accept-empty", "Accept with an empty value", "GET", headers("Accept:")),
        pf("hdr-ct-empty", "Content-Type with an empty value", "POST", headers("Content-Type:"), body="x"),
        pf(
            "hdr-accept-language-latin1",
            "Accept-Language with a Latin-1 letter",
            "GET",
            headers("Accept-Language: fr-\xe7"),
        ),
        pf(
            "hdr-content-language-space",
            "Content-Language 'en, de' (space and comma are fine)",
            "GET",
            headers("Content-Language: en, de"),
        ),
        pf("hdr-accept-language-quote", "Accept-Language with a quote", "GET", headers('Accept-Language: "en"')),
        pf("hdr-device-memory", "Device-Memory: 8 (a client hint)", "GET", headers("Device-Memory: 8")),
        pf("hdr-width", "Width: 800 (a client hint)", "GET", headers("Width: 800")),
        pf("hdr-dpr-decimal", "DPR: 1.5", "GET", headers("DPR: 1.5")),
        pf("hdr-ect-invalid", "ECT: 5g (not an effective connection type)", "GET", headers("ECT: 5g")),
        pf("hdr-rtt-negative", "RTT: -1", "GET", headers("RTT: -1")),
        pf("hdr-downlink-invalid", "Downlink: fast", "GET", headers("Downlink: fast")),
        pf("hdr-intervention", "Intervention: x", "GET", headers("Intervention: x")),
        pf("hdr-save-data-upper", "Save-Data: ON", "GET", headers("Save-Data: ON")),
    ],
)
