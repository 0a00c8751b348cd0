"""Generated and hand-written reports stay true: DISAGREEMENTS.md matches what the CLI and the
fixtures say now, and docs/browser-differences.md names every case where the engines differ."""

from __future__ import annotations

import os
from pathlib import Path

from . import verdicts
from .cases import CASES
from .compare import FIELDS, diff, from_engine
from .engine import available
from .report import OUTPUT, complete_runs, render


def test_disagreements_md_is_current(cli_runs, case_server):
    runs = complete_runs({e.name: cli_runs[e.name] for e in available()}, case_server)
    text = render(runs, case_server.origins)
    if os.environ.get("CORS_DOCTOR_WRITE_REPORT") == "1":  # regenerate from this very run
        OUTPUT.write_text(text, encoding="utf-8")
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    assert text == current, (
        f"{OUTPUT.name} is out of date: run python -m tests.conformance.report "
        "(and read the diff: it lists every case where cors-doctor and an engine differ)"
    )


DOC = Path(__file__).resolve().parents[2] / "docs" / "browser-differences.md"
# Console wording differs between engines on every blocked case; the doc describes it by rule
# (sections 9 and 11), so only behaviour is required case by case.
BEHAVIOUR = [f for f in FIELDS if f != "browser_message"]


def engine_differences() -> dict[str, list[str]]:
    """{case id: [engines that differ from the first engine]} over the recorded fixtures."""
    engines = available()
    docs = {e.name: verdicts.load(e.fixture)["cases"] for e in engines}
    base = engines[0].name
    out: dict[str, list[str]] = {}
    for case in CASES:
        if case.id not in docs[base]:
            continue
        ref = from_engine(docs[base][case.id], case)
        for engine in engines[1:]:
            record = docs[engine.name].get(case.id)
            if record is not None and diff(ref, from_engine(record, case), BEHAVIOUR):
                out.setdefault(case.id, []).append(engine.name)
    return out


def test_every_difference_between_engines_is_documented():
    text = DOC.read_text(encoding="utf-8")
    differing = engine_differences()
    assert differing, "the engines agree on every case: the comparison is not looking"
    undocumented = {cid: names for cid, names in differing.items() if f"`{cid}`" not in text}
    assert not undocumented, f"cases where engines behave differently but {DOC.name} does not name them: {undocumented}"
