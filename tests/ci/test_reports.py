"""The report formats on their own: JUnit XML, Markdown, GitHub annotations, streamed JSON."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cors_doctor.ci.outcome import CheckTally, FindingLine, Outcome, Tally
from cors_doctor.render.ci.github import annotation, escape_data, escape_property, workflow_commands
from cors_doctor.render.ci.json import JsonStream
from cors_doctor.render.ci.junit import JUnitWriter
from cors_doctor.render.ci.markdown import append_step_summary, summary_markdown

NASTY = 'a <b> & "c" \x01\x1b[31m | `d`\nsecond line % 100:1,2'


def outcome(status: str, index: int = 0, check: str = "api", summary: str = "allowed, as expected", **extra) -> Outcome:
    return Outcome(
        index=index,
        check=check,
        check_number=1,
        line=7,
        method="GET",
        url=f"https://api.example.com/items/{index}",
        origin="https://app.example.com",
        expect="allow",
        status=status,
        allowed=status == "pass",
        summary=summary,
        elapsed=0.0123,
        **extra,
    )  # type: ignore[arg-type]


def tally_of(*outcomes: Outcome, name: str = "api") -> Tally:
    tally = Tally({1: CheckTally(1, name, "allow", 7)})
    for item in outcomes:
        tally.add(item)
    tally.elapsed = 1.5
    return tally


def test_junit_parses_back_with_counts_names_and_escaped_text(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    writer = JUnitWriter(str(path), "cors-doctor: p.toml", "p.toml", {"policy": "p.toml"})
    items = [
        outcome("pass", 0, findings=(FindingLine("CD502", "warning", "no Vary"),)),
        outcome(
            "fail",
            1,
            check=NASTY,
            summary=NASTY,
            problems=(NASTY, "second problem"),
            findings=(FindingLine("CD301", "error", "no ACAO"),),
            browser_message="Access to fetch ... blocked",
        ),
        outcome("error", 2, summary="could not check: connection refused", problems=("connection refused",)),
        outcome("pass", 3),
    ]
    for item in items:
        writer.add(item)
    writer.close(tally_of(*items))
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "4", "1", "1")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
        "cors-doctor: p.toml",
        "4",
        "1",
        "1",
    )
    assert suite.find("properties/property").attrib == {"name": "policy", "value": "p.toml"}
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        f"GET https://api.example.com/items/{i} from https://app.example.com" for i in range(4)
    ]
    assert all(c.get("file") == "p.toml" and c.get("line") == "7" and c.get("time") == "0.012" for c in cases)
    failure = cases[1].find("failure")
    # Controls are shown, not obeyed, by whoever reads the report on a terminal.
    assert cases[1].get("classname") == NASTY.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
    assert failure.get("message") == NASTY.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
    assert "second problem" in failure.text and "CD301 error: no ACAO" in failure.text
    assert "browser console: Access to fetch ... blocked" in failure.text
    assert cases[2].find("error").get("type") == "unreachable" and cases[2].find("failure") is None
    assert cases[0].find("system-out").text == "CD502 warning: no Vary" and cases[3].find("system-out") is None
    assert not list(tmp_path.glob(".junit-*"))  # the temporary file became the report


def test_junit_writer_refuses_an_unwritable_path_up_front(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        JUnitWriter(str(tmp_path / "missing-dir" / "report.xml"), "s")


def test_markdown_summary_lists_checks_and_failures_and_appends(tmp_path: Path) -> None:
    fail = outcome(
        "fail",
        1,
        check="a|b",
        summary="expected allow, but Chrome blocks it",
        problems=("expected allow, but Chrome blocks it",),
        findings=(FindingLine("CD301", "error", "no ACAO"),),
    )
    text = summary_markdown(tally_of(outcome("pass"), fail, name="a|b"), "p.toml", "2/3")
    assert text.startswith("### cors-doctor ci: p.toml (shard 2/3)\n")
    assert "❌ **1 of 2 checks did not pass** (1 failed) in 1.5 s." in text
    assert "| a\\|b | allow | 2 | 1 | 1 | 0 |" in text
    assert "- expected allow, but Chrome blocks it" in text and "- `CD301` no ACAO" in text
    passing = summary_markdown(tally_of(outcome("pass")), "p.toml")
    assert "✅ **1 check passed** in 1.5 s." in passing and "Failures" not in passing
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("# earlier step\n", encoding="utf-8")
    append_step_summary(str(summary_file), passing)
    append_step_summary(str(summary_file), text)
    assert summary_file.read_text(encoding="utf-8") == "# earlier step\n" + passing + text


def test_github_annotations_escape_and_point_at_the_policy_line() -> None:
    assert escape_data("50% done\nnext") == "50%25 done%0Anext"
    assert escape_data("a\r\x1b]0;t\x07") == "a\\x0d\\x1b]0;t\\x07"  # a carriage return cannot hide text
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    line = annotation(
        outcome("fail", 1, check="x,y", summary="expected allow: 100%", problems=("p1", "p2")), "ci/p.toml"
    )
    assert line == (
        "::error file=ci/p.toml,line=7,title=cors-doctor%3A x%2Cy failed::"
        "GET https://api.example.com/items/1 from https://app.example.com: expected allow: 100%25%0Ap2"
    )
    tally = tally_of(*[outcome("error", i, summary="could not check: down", problems=("down",)) for i in range(60)])
    lines = workflow_commands(tally, "p.toml")
    assert len(lines) == 51 and lines[-1].startswith("::notice title=cors-doctor::10 more failed checks")
    assert "title=cors-doctor%3A api could not be checked" in lines[0]


def test_json_stream_is_one_valid_object_with_or_without_results() -> None:
    for items in ([], [outcome("pass", 0), outcome("fail", 1, problems=("p",))]):
        out = io.StringIO()
        stream = JsonStream(out, "p.toml", None)
        for item in items:
            stream.add(item)
        stream.close(tally_of(*items))
        data = json.loads(out.getvalue())
        assert (data["version"], data["policy"], data["shard"]) == (1, "p.toml", None)
        assert [r["index"] for r in data["results"]] == [i.index for i in items]
        assert data["summary"]["total"] == len(items)
        assert data["summary"]["ok"] is all(i.status == "pass" for i in items)
        assert data["checks"][0]["name"] == "api"
