"""Cases about who asks and how: XMLHttpRequest next to fetch(), fetch()'s `mode: 'no-cors'`
and `keepalive`, and HEAD / OPTIONS as methods.

XMLHttpRequest follows the same CORS rules as fetch(); its console lines name XMLHttpRequest, the
credentials messages add a sentence about withCredentials, and a listener on `xhr.upload`
forces a preflight even for a safelisted request with a body. A `no-cors` request is never
preflighted and never blocked by CORS: it resolves with an opaque response script cannot read.
"""

from __future__ import annotations

from dataclasses import replace

from .model import (
    ACAC_TRUE,
    ACAO_ANY,
    ACAO_PAGE,
    Case,
    Reply,
    Route,
    allow_all,
    grouped,
    headers,
    simple,
)

XHR = {"client": "xhr"}
CRED = {"credentials": True}
EXTRA = ("X-Foo: 1", "Content-Language: de", "Access-Control-Expose-Headers: X-Foo")

XHR_CASES = grouped(
    "XMLHttpRequest",
    [
        simple("xhr-get", "XMLHttpRequest GET with the page's origin allowed", **XHR),
        simple("xhr-missing-acao", "XMLHttpRequest GET without ACAO", (), **XHR),
        simple("xhr-exposed", "XMLHttpRequest reads exposed headers", (ACAO_PAGE, *EXTRA), **XHR),
        simple("xhr-cred-wildcard", "withCredentials and ACAO *", (ACAO_ANY, ACAC_TRUE), **XHR, **CRED),
        simple("xhr-cred-acac-missing", "withCredentials without ACAC", (ACAO_PAGE,), **XHR, **CRED),
        simple("xhr-cred-ok", "withCredentials, exact origin and ACAC true", (ACAO_PAGE, ACAC_TRUE), **XHR, **CRED),
        simple(
            "xhr-put", "XMLHttpRequest PUT is preflighted", preflight=allow_all("PUT"), method="PUT", body="x", **XHR
        ),
        simple(
            "xhr-custom-header-denied",
            "XMLHttpRequest with X-Custom, ACAH missing",
            preflight=allow_all("GET"),
            headers=headers("X-Custom: 1"),
            **XHR,
        ),
        simple(
            "xhr-upload-listener-post",
            "an upload listener forces a preflight for a text/plain POST",
            preflight=allow_all("POST"),
            method="POST",
            body="x",
            upload_listener=True,
            **XHR,
        ),
        simple(
            "xhr-upload-listener-no-preflight-reply",
            "an upload listener forces a preflight the server does not answer",
            method="POST",
            body="x",
            upload_listener=True,
            **XHR,
        ),
        simple(
            "xhr-upload-listener-get",
            "an upload listener on a GET without a body",
            preflight=allow_all("GET"),
            upload_listener=True,
            **XHR,
        ),
        simple(
            "xhr-user-agent",
            "XMLHttpRequest sets User-Agent",
            preflight=allow_all("GET", "User-Agent"),
            headers=headers("User-Agent: cors-doctor-test"),
            **XHR,
        ),
        Case(
            id="xhr-redirect-third-star",
            title="XMLHttpRequest redirected to a third origin answering *",
            routes={
                "r": Route(actual=Reply(302, (ACAO_PAGE, "Location: {third}{case}/final"))),
                "final": Route(actual=Reply(200, (ACAO_ANY,))),
            },
            client="xhr",
        ),
    ],
)

NO_CORS = {"mode": "no-cors"}

NO_CORS_CASES = grouped(
    "mode no-cors",
    [
        simple("nocors-get-no-acao", "no-cors GET without any CORS header: opaque", (), **NO_CORS),
        simple("nocors-get-acao", "no-cors GET with ACAO: still opaque", (ACAO_PAGE, *EXTRA), **NO_CORS),
        simple(
            "nocors-post-json",
            "no-cors POST with Content-Type application/json",
            (),
            method="POST",
            body="{}",
            headers=headers("Content-Type: application/json"),
            **NO_CORS,
        ),
        simple(
            "nocors-custom-header",
            "no-cors GET with X-Custom (dropped, no preflight)",
            (),
            headers=headers("X-Custom: 1"),
            **NO_CORS,
        ),
        simple("nocors-cred", "no-cors GET with credentials and no CORS headers", (), **NO_CORS, **CRED),
        simple("nocors-500", "no-cors GET answered 500", (), status=500, **NO_CORS),
    ],
)

KEEPALIVE = {"keepalive": True}

KEEPALIVE_CASES = grouped(
    "keepalive",
    [
        simple("keepalive-get", "keepalive GET", **KEEPALIVE),
        simple("keepalive-post-text", "keepalive POST with a text body", method="POST", body="x", **KEEPALIVE),
        simple(
            "keepalive-put",
            "keepalive PUT with a preflight",
            preflight=allow_all("PUT"),
            method="PUT",
            body="x",
            **KEEPALIVE,
        ),
        simple("keepalive-missing-acao", "keepalive GET without ACAO", (), **KEEPALIVE),
    ],
)

METHOD_EDGE_CASES = grouped(
    "HEAD and OPTIONS",
    [
        simple("head-no-acao", "HEAD without ACAO", (), method="HEAD"),
        simple("head-exposed", "HEAD with exposed headers", (ACAO_PAGE, *EXTRA), method="HEAD"),
        simple(
            "options-cred-acam-star",
            "credentialed OPTIONS under ACAM *",
            (ACAO_PAGE, ACAC_TRUE),
            preflight=(ACAO_PAGE, ACAC_TRUE, "Access-Control-Allow-Methods: *"),
            method="OPTIONS",
            **CRED,
        ),
        simple(
            "options-actual-no-acao",
            "OPTIONS passes its preflight, the reply lacks ACAO",
            (),
            preflight=allow_all("OPTIONS"),
            method="OPTIONS",
        ),
        replace(simple("head-xhr", "XMLHttpRequest HEAD", (ACAO_PAGE, *EXTRA), method="HEAD"), client="xhr"),
    ],
)
