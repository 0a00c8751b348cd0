"""`cors-doctor audit` as a user runs it: exit codes, JSON, URL lists, masking, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, free_port

from . import servers
from .servers import TRUSTED

pytestmark = pytest.mark.integration

CHECK_FINDING_KEYS = {"code", "severity", "title", "message", "fix", "rule", "step", "docs"}


def audit_json(cli, *args):
    result = cli("audit", *args, "--json", "--timeout", "5")
    assert result.stderr == "", result.stderr
    return result.code, json.loads(result.stdout)


def test_high_finding_exits_1_with_check_shaped_findings(cli, loopback_server):
    server = loopback_server(servers.reflect_all)
    code, report = audit_json(cli, server.url + "/items", "--origin", TRUSTED)
    assert code == 1 and report["exit_code"] == 1
    assert report["command"] == "audit" and report["summary"]["high"] == 1
    [result] = report["results"]
    assert result["audited"] and result["status"] == 200
    assert result["trusted_origins"] == [
        {"origin": TRUSTED, "source": "given", "allowed": True, "credentials": True, "preflight_allowed": True}
    ]
    high = result["findings"][0]
    assert CHECK_FINDING_KEYS | {"evidence", "impact"} <= set(high)
    assert high["code"] == "CD701" and high["severity"] == "high" and high["credentials"] is True
    assert "> Origin: https://evil.example" in high["evidence"]
    assert "< Access-Control-Allow-Credentials: true" in high["evidence"]
    assert high["reproduce"].startswith("curl -si -H 'Origin: https://evil.example'")
    assert result["requests"] == len(result["probes"]) and result["failed_requests"] == 0


def test_correct_server_exits_0(cli, loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED}))
    result = cli("audit", server.url + "/items", "-o", TRUSTED)
    assert result.code == 0, result.stdout
    assert "No finding." in result.stdout and "PASS" in result.stdout


def test_fail_on_threshold(cli, loopback_server):
    server = loopback_server(servers.wildcard(credentials=True))  # one low finding
    url = server.url + "/items"
    assert cli("audit", url, "-o", TRUSTED).code == 0
    assert cli("audit", url, "-o", TRUSTED, "--fail-on", "low").code == 1
    reflect = loopback_server(servers.reflect_all)
    assert cli("audit", reflect.url + "/items", "-o", TRUSTED, "--fail-on", "none").code == 0


def test_url_list_from_file_and_stdin_in_input_order(cli, loopback_server, tmp_path):
    bad, good = loopback_server(servers.reflect_all), loopback_server(servers.allow_list({TRUSTED}))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# targets\n{good.url}/items\n\n{bad.url}/items\n{good.url}/items\n", encoding="utf-8")
    code, report = audit_json(cli, "-i", str(listing), "-o", TRUSTED, "--concurrency", "4")
    assert code == 1
    assert [r["url"] for r in report["results"]] == [f"{good.url}/items", f"{bad.url}/items"]  # duplicates dropped
    assert [r["counts"]["high"] for r in report["results"]] == [0, 1]

    proc = subprocess.run(
        [sys.executable, "-m", "cors_doctor", "audit", "-i", "-", "-o", TRUSTED, "--json"],
        input=f"{good.url}/items\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["audited"] == 1


def test_unreachable_urls_exit_2_unless_something_worse_was_found(cli, loopback_server):
    nobody = f"http://127.0.0.1:{free_port()}/items"
    result = cli("audit", nobody, "-o", TRUSTED, "--json", "--timeout", "5")
    assert result.code == 2
    report = json.loads(result.stdout)
    assert report["results"][0]["audited"] is False and "refused" in report["results"][0]["error"]
    [line] = result.stderr.splitlines()
    assert line.startswith(f"cors-doctor: error: {nobody}: not audited: ") and "refused" in line
    good = loopback_server(servers.allow_list({TRUSTED}))
    assert cli("audit", good.url + "/items", nobody, "-o", TRUSTED).code == 2
    bad = loopback_server(servers.reflect_all)
    result = cli("audit", bad.url + "/items", nobody, "-o", TRUSTED)
    assert result.code == 1
    assert "not audited" in result.stdout
    assert result.stderr.count("cors-doctor: error: ") == 1 and nobody in result.stderr
    assert "cors-doctor: error" not in result.stdout


def test_shard_splits_the_url_list_like_ci(cli, loopback_server, tmp_path):
    server = loopback_server(servers.allow_list({TRUSTED}))
    urls = [f"{server.url}/items/{i}" for i in range(5)]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    seen = []
    for k in (1, 2):
        code, report = audit_json(cli, "-i", str(listing), "-o", TRUSTED, "--shard", f"{k}/2")
        assert code == 0
        seen.append([r["url"] for r in report["results"]])
    assert seen == [urls[0::2], urls[1::2]]
    bad = cli("audit", "-i", str(listing), "--shard", "3/2")
    assert bad.code == 2 and bad.stderr.startswith("cors-doctor: error: --shard '3/2'")


def test_progress_on_a_terminal_only_and_results_in_order(loopback_server, tmp_path):
    import os
    import pty

    server = loopback_server(servers.allow_list({TRUSTED}))
    urls = [f"{server.url}/items/{i}" for i in range(3)]
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm", "COLUMNS": "100"}
    primary, secondary = pty.openpty()
    with os.fdopen(primary, "rb", buffering=0) as terminal:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cors_doctor", "audit", *urls, "-o", TRUSTED],
            stdout=subprocess.PIPE,
            stderr=secondary,
            cwd=REPO,
            env=env,
        )
        os.close(secondary)
        stdout, _ = proc.communicate(timeout=60)
        shown = b""
        while True:
            try:
                chunk = terminal.read(65536)
            except OSError:  # the other end is closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    assert proc.returncode == 0
    assert b"auditing" in shown and b"3/3" in shown
    text = stdout.decode()
    assert [text.index(f"AUDIT {u}") for u in urls] == sorted(text.index(f"AUDIT {u}") for u in urls)
    piped = subprocess.run(
        [sys.executable, "-m", "cors_doctor", "audit", *urls, "-o", TRUSTED],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert piped.returncode == 0 and piped.stderr == ""


def test_console_report_masks_secrets(cli, loopback_server):
    server = loopback_server(servers.reflect_all)
    args = (
        "audit",
        server.url + "/items",
        "-o",
        TRUSTED,
        "-H",
        "Authorization: Bearer s3cret-token",
        "-b",
        "sid=abc123",
    )
    masked = cli(*args)
    assert masked.code == 1
    assert "HIGH" in masked.stdout and "CD701" in masked.stdout and "reproduce: curl" in masked.stdout
    assert "Authorization: Bearer ••••••" in masked.stdout and "Cookie: sid=••••••" in masked.stdout
    assert "s3cret-token" not in masked.stdout and "abc123" not in masked.stdout
    shown = cli(*args, "--show-secrets")
    assert "Bearer s3cret-token" in shown.stdout and "sid=abc123" in shown.stdout
    assert any(r.header("Authorization") == "Bearer s3cret-token" for r in server.received)


def test_verbose_lists_every_probe(cli, loopback_server):
    server = loopback_server(servers.allow_list({TRUSTED}))
    result = cli("audit", server.url + "/items", "-o", TRUSTED, "-v")
    assert result.code == 0
    assert "Probes" in result.stdout and "https://app.example.com`.evil.example" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "no URL to audit"),
        (("https://api.example.com/", "--origin", "app.example.com"), "has no scheme"),
        (("https://api.example.com/", "--origin", "null"), "never a trusted origin"),
        (("ftp://api.example.com/",), "unsupported URL scheme"),
        (("https://api.example.com/", "--fail-on", "critical"), "unknown --fail-on"),
        (("https://api.example.com/", "-H", "Origin: https://x.example"), "sets this header itself"),
        (("https://api.example.com/", "--concurrency", "0"), "--concurrency"),
        (("https://api.example.com/", "--preflight-method", "GET"), "state-changing"),
        (("-i", "/nonexistent/urls.txt"), "--targets-file /nonexistent/urls.txt"),
        (("--targets-file", "/nonexistent/urls.txt"), "--targets-file /nonexistent/urls.txt"),
        (("https://api.example.com/", "--shard", "0/2"), "--shard '0/2'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli, args, message):
    result = cli("audit", *args)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("cors-doctor: error:")


def test_bad_line_in_url_file_names_the_line(cli, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("https://api.example.com/a\n\napi.example.com/b\n", encoding="utf-8")
    result = cli("audit", "-i", str(listing))
    assert result.code == 2
    assert f"{listing}:3:" in result.stderr and "hint:" in result.stderr
