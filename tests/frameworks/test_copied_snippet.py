"""A fix copied from the terminal pastes as valid code: the console output (not --json) of
`cors-doctor check` against a broken app, its snippet lines taken as printed, pasted into the
app, served again, checked again.
"""

from __future__ import annotations

import re

import pytest

from .procs import AppUnderTest
from .test_fastapi import APP, uvicorn

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"


def copied_snippet(console_text: str) -> str:
    """The lines a user selects under "Fix for ...": flush-left code up to the first note or
    placement line (those are indented), exactly as the terminal shows them."""
    block = console_text.split("\nFix for ", 1)[1].split("\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if re.match(r"^  (•|\S.*:$)", line):  # a note, or the placement heading
            if lines:
                break
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


@pytest.mark.parametrize("framework", ["fastapi"])
def test_the_snippet_copied_from_the_console_fixes_the_app(framework, serve, tmp_path, cli):
    app = AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework=framework,
        files={"main.py": APP},
        argv=uvicorn,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )
    url = app.start()
    printed = cli(
        "check",
        url + "/items",
        "--origin",
        PAGE,
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "--data",
        "{}",
        "--actual",
        "--framework",
        framework,
        "--no-color",
    )
    assert printed.code == 1, printed.stderr
    snippet = copied_snippet(printed.stdout)
    assert snippet.startswith("from fastapi.middleware.cors import CORSMiddleware\n"), snippet
    compile(snippet, "pasted", "exec")  # it is Python as pasted: no indentation left from the terminal
    url = app.start(cors=snippet)
    after = cli(
        "check",
        url + "/items",
        "--origin",
        PAGE,
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/json",
        "--data",
        "{}",
        "--actual",
        "--no-color",
    )
    assert after.code == 0, after.stdout
