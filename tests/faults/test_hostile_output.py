"""A hostile server, HAR, policy or pasted text cannot steer the user's terminal.

Every value the tool prints that came from outside carries ESC, CSI, OSC 0/8/52, C1 controls,
DEL and bidirectional overrides here; each command, in every output format, on a pipe, with
FORCE_COLOR and on a pseudo-terminal, must show them as text. The only escape sequences allowed
in the output are the tool's own colours (SGR).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import PAGE, cli_env, run_cli
from .servers import http_reply, raw

# Window title, clipboard write, a planted link, clear screen + home, an 8-bit CSI, DEL, and the
# bidirectional override and isolate that reverse what follows them.
EVIL = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b]8;;http://evil.test\x07\x1b[2J\x1b[H\x9b31m\x7f\u202e\u2066x"
EVIL_LATIN1 = EVIL.replace("\u202e", "").replace("\u2066", "").encode("latin-1")  # what a header can carry
FAKE_VERDICT = "\r\x1b[2K\u2714 ALLOWED \u2014 Chrome lets page script read this response."
_SGR = re.compile("\x1b\\[[0-9;]*m")
_FOREIGN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_clean(text: str) -> None:
    """Nothing but the tool's own colours: every other control is shown, not obeyed."""
    leftover = _FOREIGN.findall(_SGR.sub("", text))
    assert not leftover, (leftover, text[:2000])


def assert_run_clean(run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert_clean(run.stdout)
    assert_clean(run.stderr)


def hostile_head(status: int = 200, origin: bytes = b"http://evil" + EVIL_LATIN1, extra: bytes = b"") -> bytes:
    body = ("<p>" + EVIL + FAKE_VERDICT + "</p>").encode()
    return (
        b"HTTP/1.1 %d Bad" % status + EVIL_LATIN1 + b"\r\n"
        b"Access-Control-Allow-Origin: " + origin + b"\r\n"
        b"Access-Control-Allow-Credentials: true\r\n"
        b"Server: nginx" + EVIL_LATIN1 + b"\r\nX-Powered-By: Express" + EVIL_LATIN1 + b"\r\n"
        b"Vary: Origin"
        + EVIL_LATIN1
        + b"\r\n"
        + extra
        + b"Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        + body
    )


@pytest.fixture
def hostile(serve):
    """A server whose every reply is hostile: a refused origin, a preflight, a redirect."""
    return serve(
        {
            "/blocked": raw(hostile_head()),
            "/echo": raw(hostile_head(origin=PAGE.encode())),
            "/redirect": raw(
                http_reply(
                    302, [("Location", "/moved" + EVIL_LATIN1.decode("latin-1")), ("Access-Control-Allow-Origin", "*")]
                )
            ),
        }
    )


COLOR_ENVS = [pytest.param({}, id="pipe"), pytest.param({"FORCE_COLOR": "1", "NO_COLOR": ""}, id="force-color")]


@pytest.mark.parametrize("env", COLOR_ENVS)
@pytest.mark.parametrize("path", ["/blocked", "/echo", "/redirect"])
@pytest.mark.parametrize("flags", [(), ("-v",), ("--brief",), ("-v", "--credentials", "-X", "PUT", "--actual")])
def test_check_shows_every_foreign_control(hostile, env, path, flags):
    run = run_cli("check", hostile.url(path), "--origin", PAGE, *flags, env=env)
    assert run.code in (0, 1), run.stderr
    assert_run_clean(run)
    if "-v" in flags and path != "/redirect":
        assert "\\x1b]0;pwned" in run.stdout  # shown, not dropped: the user sees what the server sent


def test_a_blocked_reply_cannot_repaint_itself_as_allowed(hostile):
    run = run_cli("check", hostile.url("/blocked"), "--origin", PAGE, "-v", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert run.code == 1
    assert "BLOCKED" in run.stdout
    plain = _SGR.sub("", run.stdout)
    # The body's carriage return and erase-line are shown on the body's line, so no line of the
    # output starts with the fake verdict.
    assert "(body) <p>\\x1b]0;pwned" in plain
    assert not [line for line in plain.splitlines() if line.lstrip().startswith("\u2714 ALLOWED")]


def test_check_json_stays_valid_and_carries_the_values(hostile):
    run = run_cli("check", hostile.url("/blocked"), "--origin", PAGE, "--json")
    assert run.code == 1
    assert_run_clean(run)
    data = json.loads(run.stdout)
    values = [v for _, v in data["actual"]["hops"][0]["response_headers"]]
    assert "nginx" + EVIL_LATIN1.decode("latin-1") in values  # the same text, written escaped


def test_check_on_a_pseudo_terminal(hostile):
    import pty

    leader, follower = pty.openpty()
    env = cli_env({"NO_COLOR": "", "TERM": "xterm-256color"})
    process = subprocess.Popen(
        [sys.executable, "-m", "cors_doctor", "check", hostile.url("/blocked"), "--origin", PAGE, "-v"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 1
    output = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    assert "\x1b[" in output  # colours on a terminal
    assert_clean(output)


@pytest.mark.parametrize("flags", [(), ("-v",), ("--json",)])
def test_audit_shows_every_foreign_control(hostile, flags):
    run = run_cli("audit", hostile.url("/echo"), "--origin", PAGE, *flags, limit=120)
    assert run.code in (0, 1), run.stderr
    assert_run_clean(run)
    if "--json" in flags:
        assert json.loads(run.stdout)["results"][0]["audited"] is True


def test_audit_of_an_unparsable_allow_origin_is_a_finding_not_a_crash(hostile):
    run = run_cli("audit", hostile.url("/blocked"), "--origin", PAGE, "--json", limit=120)
    assert run.code in (0, 1), run.stderr
    assert_run_clean(run)
    codes = {f["code"] for f in json.loads(run.stdout)["results"][0]["findings"]}
    assert "CD717" in codes


def _hostile_har(tmp_path: Path) -> Path:
    entry = {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 1,
        "request": {
            "method": "GET",
            "url": "http://api.test/x" + EVIL,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Origin", "value": "http://page.test"}, {"name": "X-Note" + EVIL, "value": EVIL}],
        },
        "response": {
            "status": 200,
            "statusText": "OK" + EVIL,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Access-Control-Allow-Origin", "value": "http://evil" + EVIL}],
            "content": {"size": 0, "mimeType": "text/plain"},
            "redirectURL": "",
        },
    }
    allowed = json.loads(json.dumps(entry))
    allowed["request"]["url"] = "http://api.test/ok" + EVIL
    allowed["response"]["headers"] = [{"name": "Access-Control-Allow-Origin", "value": "*"}]
    har = {"log": {"version": "1.2", "creator": {"name": "rec" + EVIL, "version": EVIL}, "entries": [entry, allowed]}}
    path = tmp_path / ("session" + "\u202e" + ".har")
    path.write_text(json.dumps(har), encoding="utf-8")
    return path


@pytest.mark.parametrize("env", COLOR_ENVS)
def test_har_shows_every_foreign_control(tmp_path, env):
    run = run_cli("har", str(_hostile_har(tmp_path)), env=env)
    assert run.code == 1, run.stderr
    assert_run_clean(run)
    assert "written by rec\\x1b]0;pwned" in run.stdout


def test_har_json_stays_valid(tmp_path):
    run = run_cli("har", str(_hostile_har(tmp_path)), "--json")
    assert run.code == 1, run.stderr
    assert_run_clean(run)
    data = json.loads(run.stdout)
    assert data["requests"][0]["url"] == "http://api.test/x" + EVIL


def test_pasted_text_is_shown_not_obeyed():
    text = (
        f"Access to fetch at 'http://api.test/{EVIL}' from origin 'http://page.test' has been blocked by CORS "
        f"policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n{EVIL}{FAKE_VERDICT}\n"
    )
    for flags in ((), ("--json",)):
        done = subprocess.run(
            [sys.executable, "-m", "cors_doctor", "explain", *flags],
            input=text,
            text=True,
            capture_output=True,
            env=cli_env({"FORCE_COLOR": "1", "NO_COLOR": ""}),
            timeout=60,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        assert_clean(done.stdout)
        assert_clean(done.stderr)


def test_undecodable_pasted_bytes_are_not_written_back_raw():
    garbage = b"No 'Access-Control-Allow-Origin' header \x9b\x1b[2J\xff\xfe here\n"
    done = subprocess.run(
        [sys.executable, "-m", "cors_doctor", "explain"],
        input=garbage,
        capture_output=True,
        env=cli_env(),
        timeout=60,
        check=False,
    )
    assert b"\x9b" not in done.stdout and b"\x1b" not in done.stdout, done.stdout
    assert b"\x9b" not in done.stderr and b"\x1b" not in done.stderr, done.stderr


def _policy(tmp_path: Path, url: str) -> Path:
    policy = tmp_path / "policy.toml"
    name = json.dumps("api</details><img src=x onerror=alert(1)> | @octocat " + EVIL)
    policy.write_text(
        f'[[check]]\nname = {name}\nurl = "{url}"\norigins = ["{PAGE}"]\nexpect = "allow"\ntimeout = 5\n',
        encoding="utf-8",
    )
    return policy


@pytest.mark.parametrize("env", COLOR_ENVS)
def test_ci_console_reports_and_annotations_show_every_foreign_control(hostile, tmp_path, env):
    summary = tmp_path / "summary.md"
    junit = tmp_path / "report.xml"
    run = run_cli(
        "ci",
        str(_policy(tmp_path, hostile.url("/blocked"))),
        "--junit-xml",
        str(junit),
        env={**env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"},
    )
    assert run.code == 1, run.stderr
    assert_run_clean(run)
    assert "::error " in run.stdout
    markdown = summary.read_text(encoding="utf-8")
    assert_clean(markdown)
    assert "</details><img" not in markdown and "<img" not in markdown
    assert markdown.count("</details>") == 1  # only the summary's own
    assert "\\@octocat" in markdown and "\\|" in markdown
    report = junit.read_text(encoding="utf-8")
    assert_clean(report)
    ET.fromstring(report)


def test_ci_json_stays_valid(hostile, tmp_path):
    run = run_cli("ci", str(_policy(tmp_path, hostile.url("/blocked"))), "--json")
    assert run.code == 1, run.stderr
    assert_run_clean(run)
    data = json.loads(run.stdout)
    assert data["results"][0]["check"].endswith(EVIL)


def test_error_lines_show_controls(tmp_path):
    run = run_cli("check", "http://127.0.0.1:1/" + EVIL, "--origin", PAGE + EVIL)
    assert run.code == 2
    assert_run_clean(run)
    missing = run_cli("har", str(tmp_path / ("missing" + EVIL + ".har")))
    assert missing.code == 2
    assert_run_clean(missing)
