"""Cases about the actual response: exposed headers, error pages after a good preflight, and
redirects (same origin on the API host, cross-origin to the third origin where Origin turns
into `null`, and back to the page's own origin).
"""

from __future__ import annotations

from .model import ACAC_TRUE, ACAO_ANY, ACAO_PAGE, Case, Reply, Route, grouped, simple

ACEH = "Access-Control-Expose-Headers"
EXTRA = (
    "Content-Type: text/plain",
    "Cache-Control: no-store",
    "X-Foo: 1",
    "X-Bar: 2",
    'ETag: "v1"',
    "Set-Cookie: session=1; Path=/",
)
ACAM_PUT = "Access-Control-Allow-Methods: PUT"


def exposed(case_id, title, *aceh, credentials=False, preflight=None):
    acac = (ACAC_TRUE,) if credentials else ()
    return simple(case_id, title, (ACAO_PAGE, *acac, *EXTRA, *aceh), credentials=credentials, preflight=preflight)


EXPOSE_CASES = grouped(
    "Access-Control-Expose-Headers",
    [
        exposed("expose-none", "no ACEH: only safelisted response headers"),
        exposed("expose-listed", "ACEH X-Foo", f"{ACEH}: X-Foo"),
        exposed("expose-listed-case", "ACEH x-FOO, ETAG (case-insensitive)", f"{ACEH}: x-FOO, ETAG"),
        exposed("expose-wildcard", "ACEH * without credentials", f"{ACEH}: *"),
        exposed("expose-wildcard-cred", "ACEH * with credentials", f"{ACEH}: *", credentials=True),
        exposed("expose-listed-cred", "ACEH X-Foo with credentials", f"{ACEH}: X-Foo", credentials=True),
        exposed("expose-set-cookie", "ACEH lists Set-Cookie", f"{ACEH}: Set-Cookie, X-Foo"),
        exposed("expose-duplicate-lines", "ACEH over two lines", f"{ACEH}: X-Foo", f"{ACEH}: X-Bar"),
        exposed("expose-invalid-token", "ACEH 'X Foo, X-Bar' (invalid item)", f"{ACEH}: X Foo, X-Bar"),
        exposed("expose-trailing-comma", "ACEH 'X-Foo,'", f"{ACEH}: X-Foo,"),
        exposed("expose-unknown-name", "ACEH names a header that is not there", f"{ACEH}: X-Missing"),
        simple(
            "expose-on-preflight-only",
            "ACEH only on the preflight reply",
            (ACAO_PAGE, *EXTRA),
            preflight=(ACAO_PAGE, ACAM_PUT, f"{ACEH}: X-Foo"),
            method="PUT",
            body="x",
        ),
    ],
)


def put_then(case_id, title, actual, status=200, credentials=False):
    """A good preflight for PUT followed by a scripted actual response."""
    acac = (ACAC_TRUE,) if credentials else ()
    return simple(
        case_id,
        title,
        actual,
        status=status,
        preflight=(ACAO_PAGE, ACAM_PUT, *acac),
        method="PUT",
        body="x",
        credentials=credentials,
    )


ACTUAL_CASES = grouped(
    "actual response after a preflight",
    [
        put_then("actual-500-no-acao", "good preflight, 500 error page without ACAO", (), 500),
        put_then("actual-200-no-acao", "good preflight, 200 without ACAO", ()),
        put_then("actual-404-with-acao", "good preflight, 404 with ACAO", (ACAO_PAGE,), 404),
        put_then("actual-wildcard", "good preflight, actual ACAO *", (ACAO_ANY,)),
        put_then(
            "actual-acao-mismatch",
            "good preflight, actual ACAO for another origin",
            ("Access-Control-Allow-Origin: {api}",),
        ),
    ],
)


def redirect(
    case_id,
    title,
    location,
    hop=(ACAO_PAGE,),
    final=(ACAO_PAGE,),
    status=302,
    method="GET",
    body=None,
    credentials=False,
    preflight=None,
    final_preflight=None,
    hdrs=(),
):
    """Entry route answers `status` + Location; route "final" answers with `final`."""
    hop_reply = Reply(status, (*hop, f"Location: {location}"))
    routes = {
        "r": Route(actual=hop_reply, preflight=None if preflight is None else Reply(204, preflight)),
        "final": Route(
            actual=Reply(200, final), preflight=None if final_preflight is None else Reply(204, final_preflight)
        ),
    }
    return Case(
        id=case_id, title=title, routes=routes, method=method, body=body, credentials=credentials, headers=tuple(hdrs)
    )


def redirect_chain(case_id, title, hops, final=(ACAO_PAGE,)):
    """The entry route plus `hops` more, each a 302 (with ACAO *) to the next; then "final"."""
    names = ["r"] + [f"h{i}" for i in range(1, hops + 1)]
    targets = [*names[1:], "final"]
    routes = {
        name: Route(actual=Reply(302, (ACAO_ANY, f"Location: {{api}}{{case}}/{target}")))
        for name, target in zip(names, targets)
    }
    routes["final"] = Route(actual=Reply(200, final))
    return Case(id=case_id, title=title, routes=routes)


SAME = "{api}{case}/final"
THIRD = "{third}{case}/final"
PAGE = "{page}{case}/final"
ACAO_NULL = "Access-Control-Allow-Origin: null"

REDIRECT_CASES = grouped(
    "redirects of the actual request",
    [
        redirect("redir-same-origin", "302 to another path on the API origin", SAME),
        redirect("redir-same-origin-hop-no-acao", "the 302 hop lacks ACAO", SAME, hop=()),
        redirect("redir-same-origin-final-no-acao", "the redirect target lacks ACAO", SAME, final=()),
        redirect("redir-same-origin-301", "301 to the same origin", SAME, status=301),
        redirect("redir-third-acao-star", "302 to a third origin answering ACAO *", THIRD, final=(ACAO_ANY,)),
        redirect("redir-third-acao-null", "302 to a third origin answering ACAO null", THIRD, final=(ACAO_NULL,)),
        redirect("redir-third-acao-page", "302 to a third origin answering the page origin", THIRD),
        redirect("redir-third-hop-no-acao", "302 hop to a third origin lacks ACAO", THIRD, hop=(), final=(ACAO_ANY,)),
        redirect(
            "redir-third-cred-null",
            "credentialed, third origin answers null + ACAC",
            THIRD,
            hop=(ACAO_PAGE, ACAC_TRUE),
            final=(ACAO_NULL, ACAC_TRUE),
            credentials=True,
        ),
        redirect(
            "redir-third-cred-star",
            "credentialed, third origin answers *",
            THIRD,
            hop=(ACAO_PAGE, ACAC_TRUE),
            final=(ACAO_ANY, ACAC_TRUE),
            credentials=True,
        ),
        redirect("redir-to-page-origin-page", "302 back to the page origin, ACAO page", PAGE),
        redirect("redir-to-page-origin-star", "302 back to the page origin, ACAO *", PAGE, final=(ACAO_ANY,)),
        redirect(
            "redir-post-301-to-get", "POST with body, 301: becomes GET", SAME, status=301, method="POST", body="x"
        ),
        redirect(
            "redir-put-303",
            "preflighted PUT, 303: becomes GET",
            SAME,
            status=303,
            method="PUT",
            body="x",
            preflight=(ACAO_PAGE, ACAM_PUT),
        ),
        redirect(
            "redir-put-307-same-origin",
            "preflighted PUT, 307 on the API origin",
            SAME,
            status=307,
            method="PUT",
            body="x",
            preflight=(ACAO_PAGE, ACAM_PUT),
            final_preflight=(ACAO_PAGE, ACAM_PUT),
        ),
        redirect(
            "redir-put-307-third",
            "preflighted PUT, 307 to a third origin (Origin null)",
            THIRD,
            status=307,
            method="PUT",
            body="x",
            preflight=(ACAO_PAGE, ACAM_PUT),
            final=(ACAO_ANY,),
            final_preflight=(ACAO_ANY, ACAM_PUT),
        ),
        redirect(
            "redir-put-307-third-no-preflight",
            "307 to a third origin that rejects preflights",
            THIRD,
            status=307,
            method="PUT",
            body="x",
            preflight=(ACAO_PAGE, ACAM_PUT),
            final=(ACAO_ANY,),
        ),
        redirect("redir-relative-location", "302 with a relative Location", "{case}/final"),
        redirect(
            "redir-userinfo-location",
            "302 to a Location with user:pass@",
            "http://user:pass@127.0.0.1:{third_port}{case}/final",
            final=(ACAO_ANY,),
        ),
        redirect(
            "redir-third-cred-hop-no-acac",
            "credentialed, the 302 hop lacks ACAC",
            THIRD,
            hop=(ACAO_PAGE,),
            final=(ACAO_NULL, ACAC_TRUE),
            credentials=True,
        ),
        redirect(
            "redir-put-308-same-origin",
            "preflighted PUT, 308 on the API origin",
            SAME,
            status=308,
            method="PUT",
            body="x",
            preflight=(ACAO_PAGE, ACAM_PUT),
            final_preflight=(ACAO_PAGE, ACAM_PUT),
        ),
        redirect_chain("redir-chain-20", "20 redirects, then the final response", 19),
        redirect_chain("redir-chain-21", "21 redirects (one too many)", 20),
        Case(
            id="redir-third-and-back",
            title="API -> third origin -> API: Origin null at the end",
            routes={
                "r": Route(actual=Reply(302, (ACAO_PAGE, "Location: {third}{case}/t"))),
                "t": Route(actual=Reply(302, (ACAO_ANY, "Location: {api}{case}/final"))),
                "final": Route(actual=Reply(200, (ACAO_PAGE,))),
            },
        ),
        redirect(
            "redir-header-307-third",
            "X-Custom GET, 307 to a third origin",
            THIRD,
            status=307,
            preflight=(ACAO_PAGE, "Access-Control-Allow-Headers: X-Custom"),
            final=(ACAO_ANY,),
            final_preflight=(ACAO_ANY, "Access-Control-Allow-Headers: *"),
            hdrs=(("X-Custom", "1"),),
        ),
    ],
)
