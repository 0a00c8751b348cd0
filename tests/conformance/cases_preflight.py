"""Cases about the preflight reply: status, redirects, ACAO/ACAC on the preflight, the
Access-Control-Allow-Methods / -Headers parsers, and Access-Control-Max-Age.

The request is a PUT (optionally with X-Custom) so a preflight is always needed; the actual reply
is always a correct one, so a block can only come from the preflight.
"""

from __future__ import annotations

from .model import ACAC_TRUE, ACAO_PAGE, Case, Reply, Route, grouped, headers

ACAM_PUT = "Access-Control-Allow-Methods: PUT"
GOOD = (ACAO_PAGE, ACAM_PUT)


def put(
    case_id,
    title,
    preflight=GOOD,
    status=204,
    hdrs=(),
    credentials=False,
    actual=(ACAO_PAGE,),
    actual_status=200,
    extra_routes=None,
):
    """A preflighted PUT whose preflight reply is scripted by the case."""
    routes = {"r": Route(actual=Reply(actual_status, tuple(actual)), preflight=Reply(status, tuple(preflight)))}
    routes.update(extra_routes or {})
    return Case(
        id=case_id, title=title, routes=routes, method="PUT", headers=tuple(hdrs), credentials=credentials, body="x"
    )


def redirected_preflight(case_id, status):
    loc = "Location: {api}{case}/elsewhere"
    return put(
        case_id,
        f"preflight answered with {status} to a good endpoint",
        preflight=(ACAO_PAGE, ACAM_PUT, loc),
        status=status,
        extra_routes={"elsewhere": Route(actual=Reply(200, GOOD), preflight=Reply(204, GOOD))},
    )


X = headers("X-Custom: 1")
ACAH = "Access-Control-Allow-Headers"
ACAM = "Access-Control-Allow-Methods"

STATUS_CASES = grouped(
    "preflight status",
    [
        put("pf-status-200", "preflight 200"),
        put("pf-status-204", "preflight 204"),
        put("pf-status-206", "preflight 206 (any 2xx is ok)", status=206),
        put("pf-status-404-no-cors", "preflight 404 without CORS headers", preflight=(), status=404),
        put("pf-status-404-with-cors", "preflight 404 with correct CORS headers", status=404),
        put("pf-status-500-with-cors", "preflight 500 with correct CORS headers", status=500),
        put("pf-status-401-with-cors", "preflight 401 with correct CORS headers", status=401),
        put(
            "pf-status-404-wrong-acao",
            "preflight 404 with a wrong ACAO",
            preflight=("Access-Control-Allow-Origin: {api}", ACAM_PUT),
            status=404,
        ),
        put(
            "pf-status-500-no-acam",
            "preflight 500 with ACAO but no ACAM: status or method first",
            preflight=(ACAO_PAGE,),
            status=500,
        ),
        put("pf-status-200-no-acao", "preflight 200 without ACAO", preflight=(ACAM_PUT,), status=200),
        put(
            "pf-acao-trailing-slash",
            "preflight ACAO with a trailing slash",
            preflight=("Access-Control-Allow-Origin: {page}/", ACAM_PUT),
        ),
        put("pf-acao-duplicate", "preflight with two ACAO lines", preflight=(ACAO_PAGE, ACAO_PAGE, ACAM_PUT)),
        put(
            "pf-acao-wildcard",
            "preflight ACAO * without credentials",
            preflight=("Access-Control-Allow-Origin: *", ACAM_PUT),
        ),
        put("pf-status-300-with-cors", "preflight 300 (not a redirect status)", status=300),
        put(
            "pf-redirect-302-no-acao",
            "preflight 302 without ACAO",
            preflight=(ACAM_PUT, "Location: {api}{case}/r"),
            status=302,
        ),
        redirected_preflight("pf-redirect-301", 301),
        redirected_preflight("pf-redirect-302", 302),
        redirected_preflight("pf-redirect-307", 307),
    ],
)

CREDENTIAL_PREFLIGHT_CASES = grouped(
    "preflight with credentials",
    [
        put(
            "pf-cred-ok",
            "credentialed PUT, preflight and actual with ACAC true",
            preflight=(ACAO_PAGE, ACAM_PUT, ACAC_TRUE),
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-missing-acac",
            "credentialed PUT, preflight lacks ACAC",
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-wildcard-acao",
            "credentialed PUT, preflight ACAO *",
            preflight=("Access-Control-Allow-Origin: *", ACAM_PUT, ACAC_TRUE),
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-acam-wildcard",
            "credentialed PUT under ACAM *",
            preflight=(ACAO_PAGE, f"{ACAM}: *", ACAC_TRUE),
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-acac-capital",
            "credentialed PUT, preflight ACAC True",
            preflight=(ACAO_PAGE, ACAM_PUT, "Access-Control-Allow-Credentials: True"),
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-status-500-no-acac",
            "credentialed PUT, preflight 500 without ACAC",
            status=500,
            credentials=True,
            actual=(ACAO_PAGE, ACAC_TRUE),
        ),
        put(
            "pf-cred-actual-missing-acac",
            "credentialed PUT, good preflight, actual lacks ACAC",
            preflight=(ACAO_PAGE, ACAM_PUT, ACAC_TRUE),
            credentials=True,
        ),
    ],
)

PARSE_CASES = grouped(
    "allow-list parsing",
    [
        put(
            "acam-space-invalid",
            "ACAM 'PUT, GET POST' (space inside an item)",
            preflight=(ACAO_PAGE, f"{ACAM}: PUT, GET POST"),
        ),
        put("acam-slash-invalid", "ACAM 'PUT/GET'", preflight=(ACAO_PAGE, f"{ACAM}: PUT/GET")),
        put("acam-trailing-comma", "ACAM 'PUT,'", preflight=(ACAO_PAGE, f"{ACAM}: PUT,")),
        put("acam-empty-items", "ACAM 'GET,,PUT'", preflight=(ACAO_PAGE, f"{ACAM}: GET,,PUT")),
        put("acam-leading-comma", "ACAM ', PUT'", preflight=(ACAO_PAGE, f"{ACAM}: , PUT")),
        put("acam-duplicate-lines", "ACAM split over two lines", preflight=(ACAO_PAGE, f"{ACAM}: GET", f"{ACAM}: PUT")),
        put("acam-missing", "no ACAM for PUT", preflight=(ACAO_PAGE,)),
        put("acam-empty", "empty ACAM for PUT", preflight=(ACAO_PAGE, f"{ACAM}:")),
        put("acah-space-invalid", "ACAH 'X Custom'", hdrs=X, preflight=(*GOOD, f"{ACAH}: X Custom")),
        put(
            "acah-space-invalid-with-valid",
            "ACAH 'X-Custom, X Other'",
            hdrs=X,
            preflight=(*GOOD, f"{ACAH}: X-Custom, X Other"),
        ),
        put("acah-trailing-comma", "ACAH 'X-Custom,'", hdrs=X, preflight=(*GOOD, f"{ACAH}: X-Custom,")),
        put("acah-empty-items", "ACAH ',,X-Custom'", hdrs=X, preflight=(*GOOD, f"{ACAH}: ,,X-Custom")),
        put(
            "acah-duplicate-lines",
            "ACAH split over two lines",
            hdrs=headers("X-Custom: 1", "X-Other: 2"),
            preflight=(*GOOD, f"{ACAH}: X-Custom", f"{ACAH}: X-Other"),
        ),
        put(
            "acah-invalid-unused", "invalid ACAH when no header needs allowing", preflight=(*GOOD, f"{ACAH}: X Custom")
        ),
        put(
            "acam-invalid-and-acah-missing",
            "invalid ACAM and missing ACAH: which error wins",
            hdrs=X,
            preflight=(ACAO_PAGE, f"{ACAM}: PUT GET"),
        ),
        put(
            "acah-invalid-acam-missing",
            "invalid ACAH and PUT not allowed: which error wins",
            preflight=(ACAO_PAGE, f"{ACAH}: X Custom"),
        ),
        put("acam-ok-acah-missing", "method allowed, header not", hdrs=X, preflight=GOOD),
        put("acam-missing-acah-missing", "neither method nor header allowed", hdrs=X, preflight=(ACAO_PAGE,)),
    ],
)

MAX_AGE_CASES = grouped(
    "Access-Control-Max-Age",
    [
        put(
            f"max-age-{name}",
            f"Access-Control-Max-Age: {value!r}",
            preflight=(*GOOD, f"Access-Control-Max-Age: {value}"),
        )
        for name, value in [("600", "600"), ("0", "0"), ("negative", "-1"), ("invalid", "abc"), ("huge", "86400")]
    ]
    + [
        put(
            "max-age-duplicate",
            "Access-Control-Max-Age on two lines",
            preflight=(*GOOD, "Access-Control-Max-Age: 10", "Access-Control-Max-Age: 20"),
        ),
    ],
)
