"""Cases about how the reply's header lines are read before any CORS rule applies.

Whitespace before the colon, obs-fold continuation lines, duplicated and empty values, bytes
outside ASCII, and the bytes HTTP parsers reject (NUL, CR, two different Content-Length or
Location values). A reply a browser turns into a network error is a verdict: blocked, with the
browser's console line, not a failure to reach the server.
"""

from __future__ import annotations

from .cases_preflight import put
from .model import ACAC_TRUE, ACAO_ANY, ACAO_PAGE, Case, Reply, Route, grouped, simple

ACAO = "Access-Control-Allow-Origin"
ACEH = "Access-Control-Expose-Headers"
CRED = {"credentials": True}

LINE_CASES = grouped(
    "header-line parsing",
    [
        simple("line-obs-fold-acao", "ACAO value on an obs-fold continuation line", (f"{ACAO}:", " {page}")),
        simple(
            "line-obs-fold-aceh",
            "ACEH continued on an obs-fold line",
            (ACAO_PAGE, "X-Foo: 1", "X-Bar: 2", f"{ACEH}: X-Foo,", "\tX-Bar"),
        ),
        simple("line-tab-before-colon", "a tab between header name and colon", (f"{ACAO}\t: *",)),
        simple(
            "line-no-colon", "a header line without a colon next to a good ACAO", ("this line has no colon", ACAO_PAGE)
        ),
        simple("line-empty-name", "a header line with an empty name", (": orphan", ACAO_PAGE)),
        simple("line-space-in-name", "a header name with a space inside", ("X Foo: 1", ACAO_PAGE)),
        simple("line-acao-and-empty-line", "ACAO and a second, empty ACAO line", (ACAO_PAGE, f"{ACAO}:")),
        simple(
            "line-acac-and-empty-line",
            "ACAC true and a second, empty ACAC line",
            (ACAO_PAGE, ACAC_TRUE, "Access-Control-Allow-Credentials:"),
            **CRED,
        ),
        simple(
            "line-non-ascii-exposed",
            "an exposed header with a Latin-1 byte in its value",
            (ACAO_PAGE, "X-Foo: caf\xe9", f"{ACEH}: X-Foo"),
        ),
        simple("line-non-ascii-name", "a header name with a Latin-1 byte", ("X-F\xf6o: 1", ACAO_PAGE)),
        simple(
            "line-non-ascii-in-acac",
            "a Latin-1 byte after ACAC true",
            (ACAO_PAGE, "Access-Control-Allow-Credentials: true\xa0"),
            **CRED,
        ),
        simple("line-nul-in-value", "a NUL byte in an unrelated header value", (ACAO_PAGE, "X-Foo: a\x00b")),
        simple("line-nul-in-acao", "a NUL byte inside ACAO", (f"{ACAO}: {{page}}\x00",)),
        simple("line-cr-in-value", "a bare CR inside a header value", (ACAO_PAGE, "X-Foo: a\rb")),
        simple("line-bare-lf", "header lines ended by LF alone", (f"X-Foo: 1\n{ACAO}: *",)),
        simple("line-content-length-conflict", "a second, different Content-Length", (ACAO_PAGE, "Content-Length: 1")),
        simple(
            "line-content-disposition-twice",
            "two different Content-Disposition lines",
            (ACAO_PAGE, "Content-Disposition: inline", "Content-Disposition: attachment"),
        ),
        put(
            "line-preflight-nul",
            "a NUL byte in the preflight reply",
            preflight=(ACAO_PAGE, "Access-Control-Allow-Methods: PUT", "X-Foo: a\x00b"),
        ),
        Case(
            id="line-location-twice",
            title="a redirect with two different Location lines",
            routes={
                "r": Route(actual=Reply(302, (ACAO_ANY, "Location: {case}/a", "Location: {case}/b"))),
                "a": Route(actual=Reply(200, (ACAO_ANY,))),
                "b": Route(actual=Reply(200, (ACAO_ANY,))),
            },
        ),
    ],
)
