"""Every CORS console message real Chromium printed in the conformance suite is explained exactly.

The check: printing the explanation's failure back through the message templates `check` uses
must give Chromium's line byte for byte. That pins the kind, the preflight flag, the URLs, the
origin and the quoted value all at once, against text cors-doctor did not write.
"""

from __future__ import annotations

import pytest

from cors_doctor.explain.recognise import explain
from cors_doctor.rules.kinds import code_for
from cors_doctor.rules.messages import FailureContext, chrome_message

from .conftest import CORS_MARKER, PORTS, chromium_console

CASES = chromium_console()


def test_the_corpus_is_there(chromium_lines):
    assert len(chromium_lines) >= 40


def cors_line(lines: list[str]) -> str:
    return next(line for line in lines if CORS_MARKER in line)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_round_trip_through_the_templates(case_id):
    line = cors_line(CASES[case_id])
    result = explain("\n".join(CASES[case_id]))  # with the "Failed to load resource" line, as pasted
    assert not result.unrecognised
    assert len(result.explained) == 1
    e = result.explained[0]
    assert e.browser == "chrome" and e.code == code_for(e.kind)
    printed = chrome_message(
        FailureContext(
            e.kind,
            e.url,
            e.initial_url or e.url,
            e.origin,
            hint=e.hint or "",
            on_preflight=bool(e.preflight),
            initiator="XMLHttpRequest" if e.resource == "XMLHttpRequest" else "fetch",
        )
    )
    assert printed == line


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_the_reproducing_check_is_filled_in(case_id):
    e = explain(cors_line(CASES[case_id])).explained[0]
    check = e.check
    assert check is not None
    assert check.url == (e.initial_url or e.url) and check.url.startswith(PORTS["{api}"])
    assert check.origin == PORTS["{page}"]
    argv = check.argv()
    if e.kind == "method":
        assert argv[argv.index("--method") + 1] == e.hint
    if e.kind == "header":
        assert any(a.lower().startswith(e.hint + ":") for a in argv)
    if e.kind in ("wildcard", "credentials"):
        assert "--credentials" in argv
    assert ("--client" in argv) == (e.resource == "XMLHttpRequest")
    if e.preflight:  # something must make the reproduced request preflighted
        assert "--method" in argv or "--header" in argv


def test_wrapped_copies_of_every_message_are_recognised():
    """Terminals and mail clients wrap long lines, at a space or in the middle of a word."""
    for case_id, lines in CASES.items():
        line = cors_line(lines)
        expected = explain(line).explained[0]
        for width in (60, 79, 100):
            wrapped = "\n".join(line[i : i + width] for i in range(0, len(line), width))
            got = explain(wrapped).explained
            assert len(got) == 1, (case_id, width)
            assert (got[0].kind, got[0].url, got[0].origin, got[0].hint) == (
                expected.kind,
                expected.url,
                expected.origin,
                expected.hint,
            ), (case_id, width)
