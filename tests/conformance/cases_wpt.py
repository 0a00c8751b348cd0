"""Cases ported from web-platform-tests fetch/api/cors/ and cors/, plus redirect chains with
credentials and the tainted `null` origin, and Location values parsed as the URL Standard does.

Each ported case names its WPT file and test title in `wpt`.
"""

from __future__ import annotations

from dataclasses import replace

from .cases_responses import redirect
from .model import (
    ACAC_TRUE,
    ACAO_ANY,
    ACAO_PAGE,
    Case,
    Reply,
    Route,
    grouped,
    headers,
    simple,
)

STAR = "fetch/api/cors/cors-preflight-star.any.js"
EXPOSE = "fetch/api/cors/cors-expose-star.js"
REDIR_CRED = "fetch/api/cors/cors-redirect-credentials.any.js"


def star(case_id, succeeds, credentials, allow_method, allow_header, method, header):
    """One preflightTest() of cors-preflight-star.any.js."""
    hdrs = headers(header) if header else ()
    lines = [
        ACAO_PAGE,
        f"Access-Control-Allow-Methods: {allow_method}",
        f"Access-Control-Allow-Headers: {allow_header}",
    ]
    actual = [ACAO_PAGE]
    if credentials:
        lines.append(ACAC_TRUE)
        actual.append(ACAC_TRUE)
    title = (
        f"CORS that {'succeeds' if succeeds else 'fails'} with credentials: "
        f"{'true' if credentials else 'false'}; method: {method} (allowed: {allow_method}); "
        f"header: {header.replace(': ', ',') if header else ''} (allowed: {allow_header})"
    )
    return Case(
        id=case_id,
        title=title,
        routes={"r": Route(actual=Reply(200, tuple(actual)), preflight=Reply(204, tuple(lines)))},
        method=method,
        headers=hdrs,
        credentials=credentials,
        wpt=f"{STAR}: {title}",
    )


STAR_CASES = grouped(
    "wildcards (WPT)",
    [
        star("wpt-star-get-lowercase", True, False, "get", "x-test", "GET", "X-Test: 1"),
        star("wpt-star-any-method", True, False, "*", "x-test", "SUPER", "X-Test: 1"),
        star("wpt-star-any-method-header", True, False, "*", "*", "OK", "X-Test: 1"),
        star("wpt-star-cred-any", False, True, "*", "*", "OK", "X-Test: 1"),
        star("wpt-star-cred-put-no-header", False, True, "*", "", "PUT", ""),
        star("wpt-star-cred-put-listed", True, True, "PUT", "*", "PUT", ""),
        star("wpt-star-cred-header-star", False, True, "get", "*", "GET", "X-Test: 1"),
        star("wpt-star-cred-literal-star", True, True, "*", "*", "*", "*: 1"),
        star("wpt-star-cred-put-lowercase", False, True, "put", "*", "PUT", ""),
    ],
)

EXPOSE_SHARED = ("Access-Control-Expose-Headers: *", "Test: X", "Set-Cookie: X", "*: whoa", "Content-Type: text/plain")

EXPOSE_STAR_CASES = grouped(
    "Access-Control-Expose-Headers: * (WPT)",
    [
        simple("wpt-expose-star-basic", "ACEH * exposes every header but Set-Cookie", (*EXPOSE_SHARED, ACAO_ANY)),
        simple(
            "wpt-expose-star-cred",
            "ACEH * with credentials only matches a header named *",
            (*EXPOSE_SHARED, ACAO_PAGE, ACAC_TRUE),
            credentials=True,
        ),
        simple(
            "wpt-expose-star-among-others",
            "* as one of several ACEH values",
            (
                ACAO_ANY,
                "Access-Control-Expose-Headers: *",
                "Access-Control-Expose-Headers: set-cookie",
                "Test: X",
                "Set-Cookie: X",
            ),
        ),
    ],
)
EXPOSE_STAR_CASES = [
    replace(c, wpt=f"{EXPOSE}: {t}")
    for c, t in zip(
        EXPOSE_STAR_CASES,
        (
            "Basic Access-Control-Expose-Headers: * support",
            "* for credentialed fetches only matches literally",
            "* can be one of several values",
        ),
    )
]

THIRD_FINAL = "{third}{case}/final"
NULL_CRED = ("Access-Control-Allow-Origin: null", ACAC_TRUE)


def userinfo(case_id, title, location, wpt_title):
    case = redirect(case_id, title, location, hop=(ACAO_ANY,), final=(ACAO_ANY,))
    return replace(case, wpt=f"{REDIR_CRED}: {wpt_title}")


REDIRECT_MORE_CASES = grouped(
    "redirects: credentials, null origin, Location parsing",
    [
        userinfo(
            "wpt-redir-user-only",
            "302 to a third origin with user: in the Location",
            "http://user:@127.0.0.1:{third_port}{case}/final",
            "Redirect 302 from remote to another remote with user",
        ),
        userinfo(
            "wpt-redir-password-only",
            "302 to a third origin with :password in the Location",
            "http://:password@127.0.0.1:{third_port}{case}/final",
            "Redirect 302 from remote to another remote with password",
        ),
        userinfo(
            "wpt-redir-userinfo-to-page",
            "302 back to the page's origin with user:password",
            "http://user:password@localhost:{page_port}{case}/final",
            "Redirect 302 from remote to same origin with user and password",
        ),
        redirect(
            "redir-cred-same-origin-chain-ok",
            "credentialed 302 on the API origin, ACAC on both",
            "{api}{case}/final",
            hop=(ACAO_PAGE, ACAC_TRUE),
            final=(ACAO_PAGE, ACAC_TRUE),
            credentials=True,
        ),
        redirect(
            "redir-cred-final-no-acac",
            "credentialed 302 on the API origin, target lacks ACAC",
            "{api}{case}/final",
            hop=(ACAO_PAGE, ACAC_TRUE),
            final=(ACAO_PAGE,),
            credentials=True,
        ),
        redirect(
            "redir-cred-third-page-origin",
            "credentialed, third origin echoes the page origin",
            THIRD_FINAL,
            hop=(ACAO_PAGE, ACAC_TRUE),
            final=(ACAO_PAGE, ACAC_TRUE),
            credentials=True,
        ),
        Case(
            id="redir-cred-third-and-back-null",
            title="credentialed API -> third -> API, each answering null + ACAC after the first hop",
            routes={
                "r": Route(actual=Reply(302, (ACAO_PAGE, ACAC_TRUE, "Location: {third}{case}/t"))),
                "t": Route(actual=Reply(302, (*NULL_CRED, "Location: {api}{case}/final"))),
                "final": Route(actual=Reply(200, NULL_CRED)),
            },
            credentials=True,
        ),
        redirect(
            "redir-cred-put-307-third-null",
            "credentialed PUT, 307 to a third origin: preflight with Origin null",
            THIRD_FINAL,
            status=307,
            method="PUT",
            body="x",
            credentials=True,
            hop=(ACAO_PAGE, ACAC_TRUE),
            preflight=(ACAO_PAGE, ACAC_TRUE, "Access-Control-Allow-Methods: PUT"),
            final=NULL_CRED,
            final_preflight=(*NULL_CRED, "Access-Control-Allow-Methods: PUT"),
        ),
        Case(
            id="redir-location-space",
            title="a Location with a space (percent-encoded by the URL parser)",
            routes={
                "r": Route(actual=Reply(302, (ACAO_PAGE, "Location: {case}/fin al"))),
                "fin%20al": Route(actual=Reply(200, (ACAO_PAGE,))),
            },
        ),
        redirect("redir-location-tab", "a Location with a tab inside (removed by the URL parser)", "{case}/fi\tnal"),
        redirect(
            "redir-location-backslash",
            "a Location with backslashes for slashes",
            "\\c\\redir-location-backslash\\final",
        ),
        redirect(
            "redir-location-scheme-relative",
            "a scheme-relative Location to the third origin",
            "//127.0.0.1:{third_port}{case}/final",
            final=(ACAO_ANY,),
        ),
        redirect(
            "redir-location-upper-scheme",
            "a Location with HTTP:// in capitals",
            "HTTP://127.0.0.1:{third_port}{case}/final",
            final=(ACAO_ANY,),
        ),
        redirect("redir-location-dot-segments", "a Location with ./ and ../ segments", "{case}/x/./../final"),
        redirect("redir-location-no-slashes", "a Location http:/c/... without the authority", "http:{case}/final"),
        redirect("redir-location-fragment", "a Location with a fragment", "{case}/final#part"),
        redirect("redir-location-empty", "a 302 with an empty Location", ""),
        redirect("redir-location-invalid", "a Location that is not a URL", "http://[::1"),
        redirect("redir-location-data", "a redirect to a data: URL", "data:text/plain,hello"),
        redirect("redir-location-ftp", "a redirect to an ftp: URL", "ftp://127.0.0.1:{third_port}/file"),
        redirect(
            "redir-location-upper-host",
            "a Location to the page origin with the host in capitals",
            "http://LOCALHOST:{page_port}{case}/final",
            final=(ACAO_ANY,),
        ),
    ],
)
