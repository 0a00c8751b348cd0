"""SARIF 2.1.0 from `audit` and `ci`, validated against the official OASIS schema, from results
of real runs against servers on 127.0.0.1 and from hand-made outcomes with hostile text."""

from __future__ import annotations

import copy
import io
import json

import pytest

from cors_doctor.audit.model import make_target
from cors_doctor.audit.run import audit
from cors_doctor.batch import BatchOptions, CheckJob, run_jobs
from cors_doctor.ci import parse_policy
from cors_doctor.ci.outcome import CheckTally, FindingLine, Outcome, Tally, judge
from cors_doctor.net import SendOptions
from cors_doctor.pipeline import CheckOptions, prepare
from cors_doctor.render.audit.sarif import SECURITY_SEVERITY, audit_log
from cors_doctor.render.ci.sarif import SarifStream, ci_log
from tests._loopback import closing_all
from tests._uvicorn import UvicornServer
from tests.audit.servers import TRUSTED, starlette_app
from tests.ci.server import APP, EVIL, PolicyServer

NASTY = 'a <b> & "c" \x01\x1b[31m | `d`\nsecond line'


@pytest.fixture(scope="module")
def policy_server():
    server = PolicyServer()
    yield server
    server.close()


def test_schema_rejects_a_broken_log(sarif_valid) -> None:
    """The vendored schema really checks: a log without a tool is refused."""
    log = audit_log([], exit_code=0)
    sarif_valid(log)
    broken = copy.deepcopy(log)
    del broken["runs"][0]["tool"]
    with pytest.raises(AssertionError, match="tool"):
        sarif_valid(broken)


def test_audit_of_a_reflecting_server_is_valid_sarif_with_ranked_rules(sarif_valid) -> None:
    with closing_all(UvicornServer) as start:
        reflecting = start(starlette_app(allow_origin_regex=".*", allow_credentials=True)).url
        careful = start(starlette_app(allow_origins=[TRUSTED])).url
        targets = [
            make_target(f"{reflecting}/items", (TRUSTED,)),
            make_target(f"{careful}/items", (TRUSTED,)),
            make_target("http://127.0.0.1:9/items", (TRUSTED,)),
        ]
        results = audit(targets, BatchOptions(8, "aiohttp"), SendOptions(timeout=5.0))
    log = audit_log(results, exit_code=1)
    sarif_valid(log)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    by_url: dict[str, list[dict]] = {}
    for result in run["results"]:
        by_url.setdefault(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], []).append(result)
    reflected = {r["ruleId"]: r for r in by_url[f"{reflecting}/items"]}
    assert "CD701" in reflected, sorted(reflected)
    assert reflected["CD701"]["level"] == "error"
    assert reflected["CD701"]["properties"]["severity"] == "high"
    assert rules["CD701"]["properties"]["security-severity"] == SECURITY_SEVERITY["high"]
    assert rules["CD701"]["helpUri"] == "https://cors-doctor.readthedocs.io/en/latest/rules/CD701/"
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert any(
        line.startswith("< access-control-allow-origin") or "Access-Control-Allow-Origin" in line
        for line in reflected["CD701"]["properties"]["evidence"]
    )
    assert f"{careful}/items" not in by_url or all(r["level"] != "error" for r in by_url[f"{careful}/items"])
    [notice] = run["invocations"][0]["toolExecutionNotifications"]
    assert "http://127.0.0.1:9/items could not be audited" in notice["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False


def _policy(base: str) -> str:
    return f"""\
version = 1
[defaults]
base_url = "{base}"
timeout = 5

[[check]]
name = "front end reads items"
paths = ["/good/items/1", "/no-cors/items/2"]
origins = ["{APP}"]
expect = "allow"

[[check]]
name = "strangers are refused"
paths = ["/reflect-any/items/3", "/good/items/4"]
origins = ["{EVIL}"]
expect = "block"

[[check]]
name = "down"
urls = ["http://127.0.0.1:9/gone"]
origins = ["{APP}"]
expect = "allow"
"""


def test_ci_run_against_a_real_api_is_valid_sarif_pointing_at_policy_lines(policy_server, sarif_valid) -> None:
    policy = parse_policy(_policy(f"http://127.0.0.1:{policy_server.port}"), "policies/cors.toml")
    cases = {str(c.index): c for c in policy.cases()}
    jobs = [
        CheckJob(
            k,
            prepare(c.spec(), CheckOptions(actual=c.check.actual)),
            SendOptions(timeout=5),
            CheckOptions(actual=c.check.actual),
        )
        for k, c in cases.items()
    ]
    outcomes = sorted(
        (judge(cases[r.key], r.verdict, r.error, r.elapsed) for r in run_jobs(jobs, BatchOptions(4))),
        key=lambda o: o.index,
    )
    assert [o.status for o in outcomes] == ["pass", "fail", "fail", "pass", "error"]
    tally = Tally.for_checks(policy.checks)
    stream = io.StringIO()
    writer = SarifStream(stream, policy.source, "1/1")
    for item in outcomes:
        tally.add(item)
        writer.add(item)
    writer.close(tally)
    log = json.loads(stream.getvalue())
    sarif_valid(log)
    assert log == ci_log(outcomes, policy.source, exit_code=1, shard="1/1")
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "cors-policy-expectation",
        "cors-policy-expectation",
        "cors-policy-not-checked",
    ]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    text = _policy("B").splitlines()
    assert [text[n - 1] for n in lines] == ["[[check]]"] * 3
    assert results[0]["properties"]["url"].endswith("/no-cors/items/2")
    assert "CD301" in results[0]["properties"]["findings"]
    assert results[1]["properties"]["origin"] == EVIL
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/cors.toml" for r in results
    )
    assert log["runs"][0]["invocations"][0]["exitCode"] == 1
    assert log["runs"][0]["automationDetails"]["id"] == "cors-doctor/ci/policies/cors.toml/shard-1-of-1"


def test_hostile_text_and_a_clean_run_stay_valid(sarif_valid, tmp_path) -> None:
    bad = Outcome(
        index=0,
        check=NASTY,
        check_number=1,
        line=None,
        method="GET",
        url="https://api.example.com/x",
        origin="https://app.example.com",
        expect="allow",
        status="fail",
        allowed=False,
        summary=NASTY,
        problems=(NASTY, NASTY),
        findings=(FindingLine("CD301", "error", NASTY),),
        browser_message=NASTY,
    )
    good = Outcome(
        index=1,
        check="ok",
        check_number=1,
        line=3,
        method="GET",
        url="https://api.example.com/y",
        origin="https://app.example.com",
        expect="allow",
        status="pass",
        allowed=True,
        summary="ok",
    )
    log = ci_log([bad, good], str(tmp_path / "p.toml"), exit_code=1)
    sarif_valid(log)
    [result] = log["runs"][0]["results"]
    assert NASTY in result["message"]["text"]
    assert "region" not in result["locations"][0]["physicalLocation"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
    clean = Tally({1: CheckTally(1, "ok", "allow", 3)})
    clean.add(good)
    stream = io.StringIO()
    writer = SarifStream(stream, "p.toml", None)
    writer.add(good)
    writer.close(clean)
    log = json.loads(stream.getvalue())
    sarif_valid(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["invocations"][0]["exitCode"] == 0
