"""Cases about the preflight cache: the same request twice in a row from one page.

The second request skips the preflight when the first preflight's result is still cached:
`Access-Control-Max-Age` (default, 0, negative, invalid, over the cap), whether the first
preflight passed at all, and the credentials mode the entry was made with (an entry made without
credentials does not serve a credentialed request). cors-doctor answers a single request with a
cold cache; compare.py derives from its answer whether a follow-up would be preflighted again.
"""

from __future__ import annotations

from dataclasses import replace

from .cases_preflight import ACAM_PUT, put
from .model import ACAC_TRUE, ACAO_PAGE, Request, grouped, headers

CACHE_WPT = "fetch/api/cors/cors-preflight-cache.any.js"
CACHE_HTM = "cors/preflight-cache.htm"


def twice(case_id, title, max_age=None, preflight=None, credentials=False, then_credentials=None, status=204, wpt=""):
    """A preflighted PUT, then the same PUT again (credentials may change the second time)."""
    lines = preflight or (ACAO_PAGE, ACAM_PUT)
    if max_age is not None:
        lines = (*lines, f"Access-Control-Max-Age: {max_age}")
    case = put(
        case_id,
        title,
        preflight=lines,
        status=status,
        credentials=credentials,
        actual=(ACAO_PAGE, ACAC_TRUE) if credentials or then_credentials else (ACAO_PAGE,),
    )
    again = case.first if then_credentials is None else replace(case.first, credentials=then_credentials)
    return replace(case, then=(again,), wpt=wpt)


CRED_PREFLIGHT = (ACAO_PAGE, ACAM_PUT, ACAC_TRUE)

CACHE_CASES = grouped(
    "preflight cache",
    [
        twice("cache-default", "no Max-Age: the second request within 5 s uses the cache"),
        twice("cache-600", "Max-Age 600: the second request uses the cache", "600"),
        twice("cache-0", "Max-Age 0: preflighted again", "0", wpt=f"{CACHE_HTM}: age = 0, should not be cached"),
        twice(
            "cache-negative", "Max-Age -1: preflighted again", "-1", wpt=f"{CACHE_HTM}: age = -1, should not be cached"
        ),
        twice("cache-invalid", "Max-Age abc: the default 5 s applies", "abc"),
        twice("cache-float", "Max-Age 1.5: not an integer", "1.5"),
        twice("cache-plus-sign", "Max-Age +600: a leading plus sign", "+600"),
        twice("cache-over-cap", "Max-Age 86400 (above Chromium's cap of 7200)", "86400"),
        twice(
            "cache-two-lines",
            "Max-Age on two lines (10 and 20)",
            preflight=(ACAO_PAGE, ACAM_PUT, "Access-Control-Max-Age: 10", "Access-Control-Max-Age: 20"),
        ),
        twice("cache-failed-first", "the first preflight fails: nothing is cached", preflight=(ACAO_PAGE,)),
        twice("cache-status-404", "a 404 preflight with good headers is not cached", "600", status=404),
        twice(
            "cache-cred-after-plain",
            "an entry made without credentials, then a credentialed request",
            "600",
            preflight=CRED_PREFLIGHT,
            then_credentials=True,
        ),
        twice(
            "cache-plain-after-cred",
            "an entry made with credentials, then a request without",
            "600",
            preflight=CRED_PREFLIGHT,
            credentials=True,
            then_credentials=False,
        ),
        twice("cache-cred-both", "credentialed twice", "600", preflight=CRED_PREFLIGHT, credentials=True),
        replace(
            put(
                "cache-wpt-post-header",
                "POST with x-test-header, Max-Age 12000, then another value",
                preflight=(
                    ACAO_PAGE,
                    "Access-Control-Allow-Methods: POST",
                    "Access-Control-Allow-Headers: x-test-header",
                    "Access-Control-Max-Age: 12000",
                ),
            ),
            method="POST",
            headers=headers("x-test-header: test1"),
            then=(Request("POST", headers("x-test-header: test2"), body="x"),),
            wpt=f"{CACHE_WPT}: (the only test)",
        ),
        replace(
            put(
                "cache-xhr-x-print",
                "XMLHttpRequest GET with x-print twice",
                preflight=(ACAO_PAGE, "Access-Control-Allow-Headers: x-print"),
            ),
            method="GET",
            body=None,
            headers=headers("x-print: 1"),
            client="xhr",
            then=(Request("GET", headers("x-print: 1"), client="xhr"),),
            wpt=f"{CACHE_HTM}: preflight for x-print should be cached",
        ),
    ],
)
