"""`cors-doctor ci` end to end: a policy checked against a real loopback API with many endpoints,
some misconfigured, and every report read back."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .server import APP, APP2, EVIL

GOOD_PATHS = [f"/good/items/{i}" for i in range(20)]


def policy_text(base: str) -> str:
    paths = ", ".join(f'"{p}"' for p in GOOD_PATHS)
    return f"""\
version = 1

[defaults]
origins = ["{APP}"]
timeout = 5
base_url = "{base}"
headers = {{ "X-Requested-With" = "XMLHttpRequest" }}

[[check]]
name = "front ends read the items"
paths = [{paths}]
origins = ["{APP}", "{APP2}"]
expect = "allow"
max_age_at_least = 600
exposed_headers = ["X-Request-Id"]
vary_origin = true

[[check]]
name = "items refuse strangers"
paths = ["/good/items/1", "/good/items/2"]
origins = ["{EVIL}", "null"]
expect = "block"

[[check]]
name = "account refuses strangers"
path = "/reflect-any/me"
origins = ["{EVIL}"]
credentials = true
expect = "block"

[[check]]
name = "legacy API serves the app"
path = "/no-cors/items"
expect = "allow"

[[check]]
name = "legacy API refuses strangers"
path = "/no-cors/items"
origins = ["{EVIL}"]
expect = "block"

[[check]]
name = "cache-safe reflection"
path = "/no-vary/items"
expect = "allow"
vary_origin = true

[[check]]
name = "preflight is cached"
path = "/short-cache/items"
expect = "allow"
max_age_at_least = 600

[[check]]
name = "request id is readable"
path = "/hidden-header/items"
expect = "allow"
exposed_headers = ["X-Request-Id"]

[[check]]
name = "items can be replaced"
path = "/good/items/1"
method = "PUT"
expect = "allow"

[[check]]
name = "reports can be replaced"
path = "/get-only/reports"
method = "PUT"
expect = "allow"

[[check]]
name = "search works"
path = "/preflight-404/search"
expect = "allow"
"""


FAILING = {
    "account refuses strangers": "expected block, but Chrome lets https://evil.example read the reply",
    "legacy API serves the app": "expected allow, but Chrome blocks it: Access to fetch at",
    "cache-safe reflection": "Access-Control-Allow-Origin reflects https://app.example.com but the reply has no Vary: Origin",
    "preflight is cached": "Access-Control-Max-Age is 5; expected at least 600",
    "request id is readable": "script cannot read X-Request-Id",
    "reports can be replaced": "expected allow, but Chrome blocks it:",
    "search works": "expected allow, but Chrome blocks it:",
}
TOTAL = 40 + 4 + 7 + 2  # good paths × 2 origins, strangers, one case per single-path check


def test_policy_run_reports_each_expectation_held_or_broken(policy_server, write_policy, ci_json, tmp_path) -> None:
    policy = write_policy(policy_text(policy_server.url))
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    code, data, stderr = ci_json(str(policy), "--junit-xml", str(junit), "-c", "8")
    assert code == 1, stderr
    summary = data["summary"]
    assert (summary["total"], summary["passed"], summary["failed"], summary["errors"], summary["ok"]) == (
        TOTAL,
        TOTAL - len(FAILING),
        len(FAILING),
        0,
        False,
    )
    results = data["results"]
    assert [r["index"] for r in results] == list(range(TOTAL))  # streamed, yet in policy order
    failed = {r["check"]: r for r in results if r["status"] == "fail"}
    assert set(failed) == set(FAILING)
    for name, expected in FAILING.items():
        assert failed[name]["summary"].startswith(expected) or expected in failed[name]["problems"][-1], failed[name]
    stranger = [r for r in results if r["check"] == "items refuse strangers"]
    assert {(r["origin"], r["status"], r["allowed"]) for r in stranger} == {
        (EVIL, "pass", False),
        ("null", "pass", False),
    }
    put = next(r for r in results if r["check"] == "items can be replaced")
    assert put["status"] == "pass" and put["notes"] == [
        "preflight only: the PUT itself was not sent (set actual = true to verify its reply)"
    ]
    assert not [r for r in policy_server.received if r.method == "PUT"]  # never sent without actual = true
    assert {c["name"]: (c["total"], c["passed"]) for c in data["checks"]}["front ends read the items"] == (40, 40)
    assert "checks: 46 passed, 7 failed" in stderr  # the summary table goes to stderr when stdout is JSON

    root = ET.parse(junit).getroot()
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (str(TOTAL), "7", "0")
    cases = suite.findall("testcase")
    assert len(cases) == TOTAL
    assert cases[0].get("classname") == "front ends read the items"
    assert cases[0].get("name") == f"GET {policy_server.url}/good/items/0 from {APP}"
    assert cases[0].get("file") == str(policy) and cases[0].get("line") == "9"
    junit_failed = {c.get("classname"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(junit_failed) == set(FAILING)
    assert junit_failed["preflight is cached"].get("message") == "Access-Control-Max-Age is 5; expected at least 600"
    assert "CD3" in junit_failed["legacy API serves the app"].text  # the findings travel with the failure


def test_all_expectations_met_exits_zero_with_a_summary_table(policy_server, write_policy, ci) -> None:
    policy = write_policy(f"""\
[[check]]
name = "app"
url = "{policy_server.url}/good/ok"
origins = ["{APP}"]
expect = "allow"
vary_origin = true

[[check]]
name = "strangers"
url = "{policy_server.url}/good/ok"
origins = ["{EVIL}"]
expect = "block"
""")
    result = ci(str(policy))
    assert result.code == 0, result.stderr
    assert "2 checks: 2 passed, 0 failed in" in result.stdout
    assert result.stdout.splitlines()[1].split() == ["check", "expect", "cases", "passed", "failed", "errors"]
    assert f"PASS  [1/2] app: GET {policy_server.url}/good/ok from {APP} - allowed, as expected" in result.stderr
    assert "::error" not in result.stdout


def test_actual_true_sends_the_method_itself_and_judges_its_reply(policy_server, write_policy, ci_json) -> None:
    policy = write_policy(f"""\
[[check]]
name = "replace an item"
url = "{policy_server.url}/good/items/actual-put"
origins = ["{APP}"]
method = "PUT"
body = '{{"name": "x"}}'
headers = {{ "Content-Type" = "application/json" }}
actual = true
expect = "allow"
exposed_headers = ["X-Request-Id"]
vary_origin = true
""")
    code, data, stderr = ci_json(str(policy))
    assert code == 0, stderr
    (result,) = data["results"]
    assert (result["status"], result["notes"]) == ("pass", [])
    assert [r.method for r in policy_server.requests_to("/good/items/actual-put")] == ["OPTIONS", "PUT"]


def test_an_unreachable_target_is_an_error_and_the_others_are_still_reported(
    policy_server, write_policy, ci_json, tmp_path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    policy = write_policy(f"""\
[defaults]
origins = ["{APP}"]
timeout = 0.5

[[check]]
name = "mixed"
urls = ["{policy_server.url}/good/a", "http://127.0.0.1:{dead_port}/down", "{policy_server.url}/slow/b",
        "{policy_server.url}/good/c"]
expect = "block"
""")
    junit = tmp_path / "j.xml"
    code, data, _ = ci_json(str(policy), "--junit-xml", str(junit))
    assert code == 1
    by_url = {r["url"].split("/", 3)[3]: r for r in data["results"]}
    assert by_url["down"]["status"] == "error" and by_url["down"]["allowed"] is None
    assert (
        by_url["down"]["summary"]
        == f"could not check: connection refused by 127.0.0.1:{dead_port}: nothing is listening on that port"
    )
    assert by_url["slow/b"]["status"] == "error" and "read timeout" in by_url["slow/b"]["summary"]
    # the reachable ones were judged (and an allowed app origin breaks a block expectation)
    assert by_url["good/a"]["status"] == "fail" and by_url["good/c"]["status"] == "fail"
    assert (data["summary"]["errors"], data["summary"]["failed"]) == (2, 2)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("4", "2", "2")
    errors = [c for c in suite.findall("testcase") if c.find("error") is not None]
    assert {e.find("error").get("type") for e in errors} == {"unreachable"}


def test_github_actions_gets_annotations_and_an_appended_step_summary(
    policy_server, write_policy, ci, tmp_path
) -> None:
    policy = write_policy(f"""\
[[check]]
name = "legacy"
url = "{policy_server.url}/no-cors/x"
origins = ["{APP}"]
expect = "allow"

[[check]]
name = "fine"
url = "{policy_server.url}/good/x"
origins = ["{APP}"]
expect = "allow"
""")
    summary = tmp_path / "step-summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = ci(str(policy), env=env)
    assert result.code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file={str(policy).replace(':', '%3A')},line=1,title=cors-doctor%3A legacy failed::"
        f"GET {policy_server.url}/no-cors/x from {APP}: expected allow, but Chrome blocks it: "
        + annotations[0].split(": expected allow, but Chrome blocks it: ", 1)[1]
    ]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## earlier step\n### cors-doctor ci: ")
    assert "❌ **1 of 2 checks did not pass** (1 failed)" in text and "| legacy | allow | 1 | 0 | 1 | 0 |" in text
    # with --json, stdout stays pure JSON and the annotations move to stderr (the runner reads both)
    again = ci(str(policy), "--json", env=env)
    assert json.loads(again.stdout)["summary"]["failed"] == 1
    assert any(line.startswith("::error file=") for line in again.stderr.splitlines())
    assert summary.read_text(encoding="utf-8").count("### cors-doctor ci: ") == 2  # appended, not overwritten


@pytest.mark.parametrize("total", [1, 3])
def test_shards_cover_every_check_exactly_once(policy_server, write_policy, ci_json, total) -> None:
    policy = write_policy(policy_text(policy_server.url))
    seen: list[tuple[str, str, str]] = []
    for index in range(1, total + 1):
        _, data, _ = ci_json(str(policy), "--shard", f"{index}/{total}", "-c", "8")
        assert data["shard"] == f"{index}/{total}"
        assert all(r["index"] % total == index - 1 for r in data["results"])
        seen += [(r["check"], r["url"], r["origin"]) for r in data["results"]]
    assert len(seen) == len(set(seen)) == TOTAL


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            'version = 1\n[[check]]\nurl = "http://127.0.0.1:9/x"\nexpect = allow\n',
            ":4:10: invalid TOML: Invalid value",
        ),
        (
            '[[check]]\nurl = "http://127.0.0.1:9/x"\norigins = ["https://a.example"]\nexpct = "allow"\n',
            ":4: check #1: unknown key 'expct' (did you mean 'expect'?)",
        ),
        (
            '[[check]]\nname = "n"\nurl = "http://127.0.0.1:9/x"\norigins = ["https://a.example"]\nexpect = "allow"\n'
            'timeout = "5"\n',
            ":6: check #1 'n': timeout must be a positive, finite number of seconds, not '5'",
        ),
        ('[[check]]\norigins = ["https://a.example"]\nexpect = "allow"\n', ":1: check #1: missing url"),
        (
            '[[check]]\nurl = "http://127.0.0.1:9/x"\norigins = ["app.example.com"]\nexpect = "allow"\n',
            ":3: check #1: origins[0]: 'app.example.com' has no scheme",
        ),
    ],
)
def test_invalid_policy_files_exit_2_naming_line_entry_and_reason(
    policy_server, write_policy, ci, content, expected
) -> None:
    before = len(policy_server.received)
    policy = write_policy(content)
    result = ci(str(policy), "--junit-xml", str(policy) + ".xml")
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"cors-doctor: error: {policy}{expected}"), result.stderr
    assert "Traceback" not in result.stderr and not Path(str(policy) + ".xml").exists()
    assert len(policy_server.received) == before  # nothing was sent


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--shard", "3/2"], "--shard '3/2': K must be between 1 and N"),
        (["--shard", "half"], "--shard 'half' is not K/N"),
        (["--concurrency", "0"], "--concurrency must be between 1 and 1000, not 0"),
        (
            ["--junit-xml", "/nonexistent-dir/j.xml"],
            "--junit-xml /nonexistent-dir/j.xml: the directory /nonexistent-dir does not exist",
        ),
        (["--cacert", "/nonexistent-dir/ca.pem"], "--cacert /nonexistent-dir/ca.pem:"),
        (["--transport", "curl"], "unknown --transport 'curl'; choose aiohttp or httpx"),
    ],
)
def test_bad_options_exit_2(policy_server, write_policy, ci, args, expected) -> None:
    policy = write_policy(f'[[check]]\nurl = "{policy_server.url}/good/x"\norigins = ["{APP}"]\nexpect = "allow"\n')
    result = ci(str(policy), *args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"cors-doctor: error: {expected}"), result.stderr
    missing = ci(str(policy) + ".missing")
    assert missing.code == 2 and "cannot read the policy file" in missing.stderr


def test_init_writes_a_policy_that_ci_accepts(policy_server, cli, ci_json, tmp_path) -> None:
    target = tmp_path / "cors-policy.toml"
    url = f"{policy_server.url}/good/orders"
    written = cli("init", url, "--origin", APP, "--output", str(target))
    assert written.code == 0 and f"wrote {target}" in written.stdout
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# cors-doctor policy") and f'url = "{url}"' in text and '"https://evil.example"' in text
    code, data, stderr = ci_json(str(target))
    assert code == 0, stderr
    assert [(r["check"], r["origin"], r["status"]) for r in data["results"]] == [
        ("front end can read the API", APP, "pass"),
        ("hostile origin is refused", "https://evil.example", "pass"),
        ("hostile origin is refused", "null", "pass"),
    ]
    again = cli("init", url, "--origin", APP, "--output", str(target))
    assert again.code == 2 and "already exists; pass --force" in again.stderr
    assert cli("init", url, "--origin", APP2, "--output", str(target), "--force").code == 0
    assert f'origins = ["{APP2}"]' in target.read_text(encoding="utf-8")
    assert cli("init", url, "--origin", "app.example.com", "--output", str(tmp_path / "x.toml")).code == 2
