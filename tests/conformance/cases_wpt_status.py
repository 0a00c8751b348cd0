"""Preflight status codes, ported from web-platform-tests.

fetch/api/cors/cors-preflight-status.any.js answers the preflight of a GET with a custom header
with each status: 200-206 must pass, 300-308, 400-405 and 501-505 must fail. The statuses the
older cases already cover (200, 204, 206, 300, 301, 302, 307, 401, 404, 500) are not repeated.
Informational replies (1xx) are not final responses: a 103 followed by nothing is a reply
without a final status.
"""

from __future__ import annotations

from .model import ACAO_PAGE, Case, Reply, Route, grouped, headers

WPT = "fetch/api/cors/cors-preflight-status.any.js"
FORCE = headers("x-force-preflight: 1")
ALLOW = (ACAO_PAGE, "Access-Control-Allow-Headers: x-force-preflight", "Access-Control-Max-Age: 0")


def preflight_status(status: int, wpt: bool = True) -> Case:
    extra = ("Location: {api}{case}/r",) if 300 <= status < 400 else ()
    return Case(
        id=f"wpt-pf-status-{status}",
        title=f"preflight answered with status {status}",
        routes={"r": Route(actual=Reply(200, (ACAO_PAGE,)), preflight=Reply(status, (*ALLOW, *extra)))},
        headers=FORCE,
        wpt=f"{WPT}: Preflight answered with status {status}" if wpt else "",
    )


STATUS_WPT_CASES = grouped(
    "preflight status (WPT)",
    [
        preflight_status(status)
        for status in (201, 202, 203, 205, 303, 304, 305, 306, 308, 400, 402, 403, 405, 501, 502, 503, 504, 505)
    ]
    + [preflight_status(103, wpt=False)],
)
