"""`--format` on `ci` and `audit`, and audit's targets file, stdin and shards, run as a user
runs them against a real API on 127.0.0.1; every machine-readable output is parsed and validated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.ci.server import APP, EVIL, PolicyServer
from tests.conftest import REPO

CLEAN_ENV = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}


@pytest.fixture(scope="module")
def api():
    server = PolicyServer()
    yield f"http://127.0.0.1:{server.port}"
    server.close()


@pytest.fixture
def policy(api, tmp_path: Path) -> Path:
    path = tmp_path / "cors.toml"
    path.write_text(
        f"""\
version = 1
[defaults]
base_url = "{api}"
timeout = 5

[[check]]
name = "app reads"
paths = ["/good/1", "/no-cors/2"]
origins = ["{APP}"]
expect = "allow"

[[check]]
name = "strangers refused"
paths = ["/reflect-any/3", "/good/4"]
origins = ["{EVIL}"]
expect = "block"
""",
        encoding="utf-8",
    )
    return path


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", **CLEAN_ENV}
    return subprocess.run(
        [sys.executable, "-m", "cors_doctor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_ci_sarif_on_stdout_summary_on_stderr(policy: Path, sarif_valid) -> None:
    result = run("ci", str(policy), "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    sarif_valid(log)
    failing = [r["properties"]["url"].rsplit("/", 2)[-2] for r in log["runs"][0]["results"]]
    assert failing == ["no-cors", "reflect-any"]
    assert "4 checks: 2 passed, 2 failed" in result.stderr


def test_ci_json_is_the_short_form_of_format_json(policy: Path, schema_valid) -> None:
    long, short = run("ci", str(policy), "--format", "json"), run("ci", str(policy), "--json")
    docs = [json.loads(r.stdout) for r in (long, short)]
    for doc in docs:
        schema_valid("ci", doc)
    assert [r["status"] for r in docs[0]["results"]] == [r["status"] for r in docs[1]["results"]]


def test_ci_junit_markdown_and_github_on_stdout(policy: Path) -> None:
    junit = run("ci", str(policy), "--format", "junit")
    root = ET.fromstring(junit.stdout)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "0")
    markdown = run("ci", str(policy), "--format", "markdown")
    from cors_doctor.render.escape import markdown as md_escape

    # The policy path is the user's text: escaped for Markdown like every foreign value.
    assert markdown.returncode == 1 and markdown.stdout.startswith(f"### cors-doctor ci: {md_escape(str(policy))}\n")
    assert "**2 of 4 checks did not pass**" in markdown.stdout and md_escape("no-cors/2") in markdown.stdout
    github = run("ci", str(policy), "--format", "github")
    lines = github.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("::error ") for line in lines)
    assert f"file={policy}" in lines[0]


def test_ci_format_mistakes_are_usage_errors(policy: Path) -> None:
    for args in (("--format", "yaml"), ("--json", "--format", "sarif")):
        result = run("ci", str(policy), *args)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith("cors-doctor: error:") and "Traceback" not in result.stderr


def test_audit_sarif_from_a_targets_file(api, tmp_path: Path, sarif_valid) -> None:
    targets = tmp_path / "targets.txt"
    targets.write_text(f"# API hosts\n{api}/reflect-any/a\n\n{api}/good/b\n", encoding="utf-8")
    result = run("audit", "--targets-file", str(targets), "--origin", APP, "--format", "sarif")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    sarif_valid(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert f"{api}/reflect-any/a" in uris


def test_audit_shards_split_stdin_targets_without_overlap(api, schema_valid) -> None:
    urls = [f"{api}/good/{i}" for i in range(5)] + [f"{api}/reflect-any/{i}" for i in range(2)]
    stdin = "\n".join(urls + urls[:2]) + "\n"  # duplicates are audited once
    seen: list[str] = []
    for k in (1, 2, 3):
        result = run("audit", "--targets-file", "-", "--shard", f"{k}/3", "--origin", APP, "--json", stdin=stdin)
        doc = json.loads(result.stdout)
        schema_valid("audit", doc)
        seen += [r["url"] for r in doc["results"]]
        assert result.returncode == (1 if any("reflect-any" in r["url"] for r in doc["results"]) else 0)
    assert sorted(seen) == sorted(urls)
    assert seen[:3] == [urls[0], urls[3], urls[6]]  # shard 1/3: the 1st, 4th and 7th


def test_audit_shard_beyond_the_targets_is_an_empty_clean_run(api) -> None:
    result = run("audit", f"{api}/good/1", "--shard", "2/2", "--origin", APP, "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["results"] == []
    bad = run("audit", f"{api}/good/1", "--shard", "3/2")
    assert bad.returncode == 2 and "--shard" in bad.stderr
