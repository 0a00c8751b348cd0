"""Where CI users look: the GitHub Action's steps run as a runner would run them, the shard merge
shown in docs/ci.md, and the pre-commit hook that validates policy files without a request."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.ci.server import APP, EVIL, PolicyServer

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = str(Path(sys.executable).parent)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture(scope="module")
def api():
    server = PolicyServer()
    yield server
    server.close()


def write_policy(path: Path, base: str, *, failing: bool) -> Path:
    paths = '["/good/1", "/no-cors/2"]' if failing else '["/good/1", "/good/2"]'
    path.write_text(
        f"""\
version = 1
[defaults]
base_url = "{base}"
timeout = 5

[[check]]
name = "app reads"
paths = {paths}
origins = ["{APP}"]
expect = "allow"

[[check]]
name = "strangers refused"
paths = ["/good/3", "/good/4", "/good/5"]
origins = ["{EVIL}"]
expect = "block"
""",
        encoding="utf-8",
    )
    return path


class Runner:
    """Runs the composite action's steps the way the Actions runner does: `${{ }}` expressions
    filled from inputs, runner.temp and earlier steps' outputs, `if:` conditions evaluated, each
    `run:` in `bash -e`; steps that use other actions are resolved and returned, not run."""

    def __init__(self, inputs: dict[str, str], workdir: Path) -> None:
        action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
        self.steps = action["runs"]["steps"]
        self.inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.workdir = workdir
        self.temp = workdir / "runner-temp"
        self.temp.mkdir()
        self.failed: int | None = None

    def value(self, expression: str) -> str:
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        if expression == "runner.temp":
            return str(self.temp)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        assert match, f"unsupported expression {expression!r}"
        return self.outputs.get(match[1], {}).get(match[2], "")

    def fill(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m[1]), text)

    def condition(self, text: str | None) -> bool:
        if not text:
            return self.failed is None
        python = re.sub(r"(inputs|steps|runner)\.[\w.-]+", lambda m: repr(self.value(m[0])), text)
        python = python.replace("&&", " and ").replace("||", " or ").replace("always()", "True")
        return bool(eval(python, {"__builtins__": {}}))  # the action's own conditions, quoted values only

    def run(self) -> list[dict]:
        used = []
        for step in self.steps:
            if not self.condition(step.get("if")):
                continue
            if "uses" in step:
                used.append(
                    {"uses": step["uses"], "with": {k: self.fill(str(v)) for k, v in step.get("with", {}).items()}}
                )
                continue
            output_file = self.workdir / f"output-{len(self.outputs)}"
            output_file.write_text("")
            env = {
                **os.environ,
                "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_ACTIONS": "",
                "GITHUB_STEP_SUMMARY": "",
            }
            env |= {k: self.fill(str(v)) for k, v in step.get("env", {}).items()}
            done = subprocess.run(
                ["bash", "-e", "-c", self.fill(step["run"])],
                env=env,
                cwd=self.workdir,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if "id" in step:
                lines = output_file.read_text().splitlines()
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
            if done.returncode != 0:
                self.failed = done.returncode
                self.last_output = done.stdout + done.stderr
        return used


@pytest.fixture(scope="module")
def installed() -> dict[str, str]:
    """Inputs that make the action's install step install this checkout (editable, into the test
    environment) instead of the release from PyPI, and use that environment's Python."""
    return {"package": f"--no-deps -e {REPO}", "python-version": ""}


def test_action_runs_ci_and_hands_sarif_and_junit_to_the_upload_steps(api, tmp_path, installed, sarif_valid):
    policy = write_policy(tmp_path / "cors-policy.toml", f"http://127.0.0.1:{api.port}", failing=True)
    runner = Runner({**installed, "policy": str(policy), "shard": "2/2"}, tmp_path)
    used = runner.run()
    outputs = runner.outputs["run"]
    assert outputs["exit-code"] == "1" and runner.failed == 1  # the last step fails the job
    assert "cors-doctor ci exited with 1" in runner.last_output
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    sarif_valid(sarif)
    assert outputs["sarif"].endswith("cors-doctor-shard-2-of-2.sarif")
    assert [r["properties"]["url"].rsplit("/", 2)[-2:] for r in sarif["runs"][0]["results"]] == [["no-cors", "2"]]
    suite = ET.parse(outputs["junit"]).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")  # shard 2/2 of five cases: the 2nd and 4th
    upload = {u["uses"].split("@")[0]: u["with"] for u in used}
    assert upload["github/codeql-action/upload-sarif"] == {
        "sarif_file": outputs["sarif"],
        "category": "cors-doctor-shard-2-of-2",
    }
    assert upload["actions/upload-artifact"]["name"] == "cors-doctor-reports-shard-2-of-2"


def test_action_passes_on_a_policy_that_holds(api, tmp_path, installed):
    policy = write_policy(tmp_path / "cors-policy.toml", f"http://127.0.0.1:{api.port}", failing=False)
    runner = Runner({**installed, "policy": str(policy), "upload-sarif": "false"}, tmp_path)
    used = runner.run()
    assert runner.outputs["run"]["exit-code"] == "0" and runner.failed is None
    assert [u["uses"].split("@")[0] for u in used] == ["actions/upload-artifact"]
    assert json.loads(Path(runner.outputs["run"]["sarif"]).read_text())["runs"][0]["results"] == []


def test_docs_merge_of_shard_reports_is_one_valid_log(api, tmp_path, sarif_valid):
    jq = shutil.which("jq")
    assert jq, "jq is needed (Debian: apt-get install -y jq)"
    docs = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    command = re.search(r"^\s*(jq -s .*?) reports/\*\.sarif > cors-doctor\.sarif$", docs, re.MULTILINE)[1]
    policy = write_policy(tmp_path / "p.toml", f"http://127.0.0.1:{api.port}", failing=True)
    reports = tmp_path / "reports"
    reports.mkdir()
    env = {**os.environ, "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}
    for k in (1, 2, 3):
        with open(reports / f"cors-doctor-shard-{k}-of-3.sarif", "w") as out:
            subprocess.run(
                [sys.executable, "-m", "cors_doctor", "ci", str(policy), "--shard", f"{k}/3", "--format", "sarif"],
                stdout=out,
                env=env,
                timeout=120,
                check=False,
            )
    merged = subprocess.run(
        f"{command} reports/*.sarif", shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    log = json.loads(merged.stdout)
    sarif_valid(log)
    assert len(log["runs"]) == 3
    assert sorted(r["properties"]["url"] for run in log["runs"] for r in run["results"]) == [
        f"http://127.0.0.1:{api.port}/no-cors/2"
    ]


def test_pre_commit_hook_validates_policies_without_sending(api, tmp_path):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "cors-policy" and hook["language"] == "python"
    files = re.compile(hook["files"])
    good = write_policy(tmp_path / "cors-policy.toml", f"http://127.0.0.1:{api.port}", failing=True)
    bad = tmp_path / "api.cors.toml"
    bad.write_text(
        f'version = 1\n[[check]]\nname = "x"\nurls = ["http://127.0.0.1:{api.port}/good/9"]\n'
        'origins = ["https://app.example.com/"]\nexpect = "maybe"\n',
        encoding="utf-8",
    )
    assert (
        files.search("cors-policy.toml") and files.search("deploy/api.cors.toml") and not files.search("pyproject.toml")
    )
    before = len(api.received)
    entry = hook["entry"].split()
    ok = subprocess.run(
        [sys.executable, *entry[1:], str(good)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    failed = subprocess.run(
        [sys.executable, *entry[1:], str(good), str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    lines = failed.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"cors-doctor: error: {bad}:") for line in lines)
    assert "trailing slash" in lines[0] and "expect = 'maybe'" in lines[1]
    assert len(api.received) == before  # offline: nothing reached the server
