"""Cases about Access-Control-Allow-Origin and Access-Control-Allow-Credentials on a simple GET.

No preflight is involved (GET without unsafe headers), so each case isolates the CORS check on
the actual response.
"""

from __future__ import annotations

from .model import ACAC_TRUE, ACAO_ANY, ACAO_PAGE, grouped, simple

ACAO = "Access-Control-Allow-Origin"

ORIGIN_CASES = grouped(
    "Access-Control-Allow-Origin",
    [
        simple("acao-wildcard", "ACAO * allows a request without credentials", (ACAO_ANY,)),
        simple("acao-exact", "ACAO echoing the page origin allows", (ACAO_PAGE,)),
        simple("acao-trailing-slash", "ACAO with a trailing slash is not the origin", (f"{ACAO}: {{page}}/",)),
        simple("acao-with-path", "ACAO with a path is not the origin", (f"{ACAO}: {{page}}/app",)),
        simple("acao-other-port", "ACAO with another port", (f"{ACAO}: http://localhost:1",)),
        simple("acao-other-host", "ACAO naming the API's own origin", (f"{ACAO}: {{api}}",)),
        simple("acao-https-scheme", "ACAO with https instead of http", (f"{ACAO}: https://localhost:{{page_port}}",)),
        simple("acao-upper-case", "ACAO with the origin in upper case", (f"{ACAO}: HTTP://LOCALHOST:{{page_port}}",)),
        simple("acao-host-only", "ACAO without scheme", (f"{ACAO}: localhost:{{page_port}}",)),
        simple(
            "acao-two-values-comma", "two origins in one ACAO line, comma-separated", (f"{ACAO}: {{page}}, {{api}}",)
        ),
        simple(
            "acao-two-values-space", "two origins in one ACAO line, space-separated", (f"{ACAO}: {{page}} {{api}}",)
        ),
        simple("acao-duplicate-lines", "the same correct ACAO line twice", (ACAO_PAGE, ACAO_PAGE)),
        simple("acao-duplicate-wildcard", "ACAO * on two lines", (ACAO_ANY, ACAO_ANY)),
        simple("acao-duplicate-mixed", "ACAO * and the origin on two lines", (ACAO_ANY, ACAO_PAGE)),
        simple("acao-null", "ACAO null for a page with a real origin", (f"{ACAO}: null",)),
        simple("acao-surrounding-spaces", "spaces around the ACAO value", (f"{ACAO}:    {{page}}   ",)),
        simple("acao-tab-wildcard", "a tab before ACAO *", (f"{ACAO}:\t*",)),
        simple("acao-empty", "an empty ACAO value", (f"{ACAO}:",)),
        simple("acao-quoted-wildcard", 'ACAO "*" in quotes', (f'{ACAO}: "*"',)),
        simple("acao-lowercase-name", "header name in lower case", ("access-control-allow-origin: {page}",)),
        simple("acao-uppercase-name", "header name in upper case", ("ACCESS-CONTROL-ALLOW-ORIGIN: *",)),
        simple("acao-space-before-colon", "space between header name and colon", (f"{ACAO} : *",)),
        simple(
            "acao-upper-case-host",
            "ACAO with only the host in upper case",
            (f"{ACAO}: http://LOCALHOST:{{page_port}}",),
        ),
        simple("acao-non-ascii", "ACAO with a non-ASCII byte", (f"{ACAO}: http://localh\xf6st",)),
        simple("acao-wildcard-and-acac", "ACAO * and ACAC true without credentials", (ACAO_ANY, ACAC_TRUE)),
        simple("acao-missing", "no ACAO at all", ()),
        simple("acao-missing-404", "a 404 error page without ACAO", (), status=404),
        simple("acao-error-status-allowed", "a 500 with ACAO is readable", (ACAO_PAGE,), status=500),
        simple(
            "acao-acac-false-no-credentials",
            "ACAC false is ignored without credentials",
            (ACAO_PAGE, "Access-Control-Allow-Credentials: false"),
        ),
    ],
)

CRED = {"credentials": True}

CREDENTIAL_CASES = grouped(
    "credentials",
    [
        simple("cred-exact-true", "exact origin and ACAC true", (ACAO_PAGE, ACAC_TRUE), **CRED),
        simple(
            "cred-acac-capital-true",
            "ACAC True (capital T)",
            (ACAO_PAGE, "Access-Control-Allow-Credentials: True"),
            **CRED,
        ),
        simple("cred-acac-missing", "no ACAC with credentials", (ACAO_PAGE,), **CRED),
        simple("cred-acac-duplicated", "ACAC true on two lines", (ACAO_PAGE, ACAC_TRUE, ACAC_TRUE), **CRED),
        simple(
            "cred-acac-spaces",
            "spaces around ACAC true",
            (ACAO_PAGE, "Access-Control-Allow-Credentials:   true  "),
            **CRED,
        ),
        simple("cred-wildcard", "ACAO * with ACAC true and credentials", (ACAO_ANY, ACAC_TRUE), **CRED),
        simple("cred-wildcard-no-acac", "ACAO * without ACAC and credentials", (ACAO_ANY,), **CRED),
        simple("cred-acao-missing", "no CORS headers, credentials", (), **CRED),
        simple("cred-acao-mismatch", "wrong origin with ACAC true", (f"{ACAO}: {{api}}", ACAC_TRUE), **CRED),
    ],
)
