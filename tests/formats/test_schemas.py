"""Every `--json` output matches its JSON Schema in docs/schemas/: real runs of the command line
against servers on 127.0.0.1 (and the recorded HAR fixtures), validated with jsonschema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.ci.server import APP, EVIL, PolicyServer

from .conftest import SCHEMAS_DIR

CLEAN_ENV = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""}
COMMANDS = ("check", "audit", "ci", "har", "explain")


@pytest.fixture(scope="module")
def api():
    server = PolicyServer()
    yield f"http://127.0.0.1:{server.port}"
    server.close()


def run_json(cli, *args: str, code: int | None = None) -> dict:
    result = cli(*args, "--json", env=CLEAN_ENV)
    assert result.stdout.strip(), result.stderr
    if code is not None:
        assert result.code == code, result.stderr
    return json.loads(result.stdout)


def test_every_json_command_has_a_schema_with_its_own_id() -> None:
    names = sorted(p.name for p in SCHEMAS_DIR.glob("*.schema.json"))
    assert names == sorted(f"{c}.schema.json" for c in COMMANDS)
    for name in COMMANDS:
        schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text())
        assert schema["$id"].endswith(f"/schemas/{name}.schema.json")
        assert f"cors-doctor {name} --json" == schema["title"]


def test_check_outputs_allowed_blocked_and_with_a_fix(cli, api, schema_valid) -> None:
    # The PUT itself is not sent without --actual: the preflight passed, the rest is not verified (exit 3).
    allowed = run_json(
        cli,
        "check",
        f"{api}/good/1",
        "--origin",
        APP,
        "-X",
        "PUT",
        "-H",
        "Authorization: Bearer s3cret",
        "--credentials",
        code=3,
    )
    blocked = run_json(cli, "check", f"{api}/no-cors/2", "--origin", APP, "--framework", "express", code=1)
    unreachable = cli("check", "http://127.0.0.1:9/x", "--origin", APP, "--json", env=CLEAN_ENV)
    assert unreachable.code == 2 and not unreachable.stdout.strip()
    for doc in (allowed, blocked):
        schema_valid("check", doc)
    assert allowed["preflight"]["passed"] is True and allowed["verified"] is False
    assert blocked["fix"]["framework"] == "express" and blocked["verified"] is True
    broken = copy.deepcopy(blocked)
    broken["findings"][0]["code"] = "E1"
    with pytest.raises(AssertionError, match="E1"):
        schema_valid("check", broken)
    broken = copy.deepcopy(allowed)
    broken["surprise"] = 1
    with pytest.raises(AssertionError, match="surprise"):
        schema_valid("check", broken)


def test_audit_output_with_a_finding_and_an_unreachable_url(cli, api, schema_valid) -> None:
    doc = run_json(
        cli, "audit", f"{api}/reflect-any/x", f"{api}/good/x", "http://127.0.0.1:9/x", "--origin", APP, code=1
    )
    schema_valid("audit", doc)
    assert [r["audited"] for r in doc["results"]] == [True, True, False]
    assert doc["results"][0]["findings"][0]["severity"] == "high"
    broken = copy.deepcopy(doc)
    broken["results"][0]["findings"][0]["severity"] = "critical"
    with pytest.raises(AssertionError, match="critical"):
        schema_valid("audit", broken)


def test_ci_output_with_pass_fail_and_error(cli, api, schema_valid, tmp_path: Path) -> None:
    policy = tmp_path / "cors.toml"
    policy.write_text(
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
paths = ["/reflect-any/3"]
origins = ["{EVIL}"]
expect = "block"
[[check]]
name = "down"
urls = ["http://127.0.0.1:9/gone"]
origins = ["{APP}"]
expect = "allow"
""",
        encoding="utf-8",
    )
    whole = run_json(cli, "ci", str(policy), code=1)
    shard = run_json(cli, "ci", str(policy), "--shard", "2/2", code=1)
    for doc in (whole, shard):
        schema_valid("ci", doc)
    assert [r["status"] for r in whole["results"]] == ["pass", "fail", "fail", "error"]
    assert shard["shard"] == "2/2"
    broken = copy.deepcopy(whole)
    broken["results"][0]["status"] = "skipped"
    with pytest.raises(AssertionError, match="skipped"):
        schema_valid("ci", broken)


@pytest.mark.parametrize("fixture", ["playwright.har", "chromium-cdp.har"])
def test_har_output_offline_and_live(cli, schema_valid, fixture: str) -> None:
    path = str(Path(__file__).resolve().parents[1] / "har" / "fixtures" / fixture)
    offline = run_json(cli, "har", path)
    # The recorded servers are gone: the live checks end in errors, still on loopback only.
    live = run_json(cli, "har", path, "--live", "--timeout", "2")
    for doc in (offline, live):
        schema_valid("har", doc)
    assert offline["summary"]["entries"] > 0 and offline["requests"]
    judged_live = [r["live"] for r in live["requests"] if r["live"] is not None]
    assert judged_live and sum(live["summary"]["live"].values()) == len(judged_live)


def test_explain_output_recognised_unrecognised_and_run(cli, api, schema_valid) -> None:
    message = (
        f"Access to fetch at '{api}/no-cors/1' from origin '{APP}' has been blocked by CORS policy: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    doc = run_json(cli, "explain", message, "--run")
    other = run_json(
        cli,
        "explain",
        "Access to fetch at 'https://a.example/x' from origin 'https://b.example' has been "
        "blocked by CORS policy: something nobody has seen before",
    )
    for item in (doc, other):
        schema_valid("explain", item)
    [explained] = doc["explained"]
    assert explained["code"] == "CD301" and explained["check"]["exit_code"] == 1
    assert explained["check"]["result"]["allowed"] is False
    assert other["unrecognised"] and not other["explained"]
    broken = copy.deepcopy(doc)
    broken["explained"][0]["check"]["result"]["allowed"] = "no"
    with pytest.raises(AssertionError, match="no"):
        schema_valid("explain", broken)
