"""Console text as people paste it: log levels, source links, stack lines, wrapped lines, odd quotes."""

from __future__ import annotations

import textwrap

import pytest

from cors_doctor.check_args import CheckArgs
from cors_doctor.explain.recognise import explain

from .conftest import chromium_console

CASES = chromium_console()
LINE = next(line for line in CASES["pf-acao-trailing-slash"] if "CORS policy" in line)


def only(text: str):
    result = explain(text)
    assert len(result.explained) == 1, (text, result)
    return result.explained[0]


EXPECTED = only(LINE)


@pytest.mark.parametrize(
    "pasted",
    [
        f"index.html:1 {LINE}",
        f"(index):1 {LINE}",
        f"localhost/:1  {LINE}",
        f"VM123:7 {LINE}",
        f"{LINE} main.js:42",
        f"[Error] {LINE}",
        f"12:01:02.345 {LINE}",
        f"❌ {LINE}",
        f"  {LINE}  ",
        LINE.replace("'", "\u2019"),  # typographic quotes from a word processor
        f"{LINE}\nFailed to load resource: net::ERR_FAILED",
        f"{LINE}\nUncaught (in promise) TypeError: Failed to fetch\n    at fetchItems (app.js:10:5)\n    at async main (app.js:20:3)",
    ],
)
def test_noise_around_a_message(pasted):
    e = only(pasted)
    assert (e.kind, e.url, e.origin, e.hint, e.preflight) == (
        EXPECTED.kind,
        EXPECTED.url,
        EXPECTED.origin,
        EXPECTED.hint,
        EXPECTED.preflight,
    )


@pytest.mark.parametrize("width", [40, 57, 72, 90])
def test_lines_wrapped_at_spaces_with_the_spaces_dropped(width):
    e = only("\n".join(textwrap.wrap(LINE, width)))
    assert (e.kind, e.url, e.origin, e.hint) == (EXPECTED.kind, EXPECTED.url, EXPECTED.origin, EXPECTED.hint)


def test_many_messages_each_explained():
    lines = [next(line for line in CASES[cid] if "CORS policy" in line) for cid in sorted(CASES)[:12]]
    result = explain("\n".join(f"[Error] {line}\nFailed to load resource: net::ERR_FAILED" for line in lines))
    assert len(result.explained) == len(set(lines))
    assert not result.unrecognised


def test_unrelated_lines_next_to_a_message_are_counted_not_explained():
    result = explain(f"Download the React DevTools for a better development experience\n{LINE}\n[HMR] connected")
    assert len(result.explained) == 1
    assert len(result.unrecognised) == 2


def test_companion_line_gives_method_and_status():
    url = EXPECTED.url
    e = only(f"{LINE}\n{url}:1  PUT {url} net::ERR_FAILED")
    assert e.method == "PUT" and e.check.method == "PUT"
    assert "--header" not in e.check.argv()  # PUT is reason enough for a preflight


def test_check_args_round_trip():
    check = CheckArgs(
        "https://api.example.com/x",
        "https://app.example.com",
        "PUT",
        (("Authorization", "Bearer secret-token"), ("X-Id", "1")),
        True,
        True,
        "safari",
    )
    assert check.shell(show_secrets=False) == (
        "cors-doctor check https://api.example.com/x --origin https://app.example.com --method PUT "
        "--header 'Authorization: Bearer ••••••' --header 'X-Id: 1' --credentials --actual --browser safari"
    )
    assert "secret-token" in check.shell()
    spec = check.spec()
    assert (spec.method, spec.credentials, spec.browser, spec.headers) == ("PUT", True, "safari", check.headers)
