"""One CLI shape: every command ends the same way on Ctrl-C, on a closed pipe and on bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cors_doctor.cli.registry import COMMANDS
from tests.conftest import REPO, run_cli


class _SlowHandler(BaseHTTPRequestHandler):
    """Accepts every request and answers only after the test is over."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(30)

    do_OPTIONS = do_GET


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _interrupted(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cors_doctor", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    time.sleep(2.5)  # started, and waiting on the slow server
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(stdin, timeout=30)
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


@pytest.mark.parametrize("command", ["check", "audit", "ci", "har"])
def test_ctrl_c_is_exit_130_and_one_line_for_every_command(command, slow_server, tmp_path):
    url = slow_server + "/items"
    if command == "check":
        args = ["check", url, "--origin", "http://localhost:5173", "--timeout", "60"]
    elif command == "audit":
        args = ["audit", url, "--origin", "http://localhost:5173", "--timeout", "60"]
    elif command == "ci":
        policy = tmp_path / "p.toml"
        policy.write_text(
            f'version = 1\n[[check]]\nurl = "{url}"\norigins = ["http://localhost:5173"]\n'
            'expect = "allow"\ntimeout = 60\n'
        )
        args = ["ci", str(policy)]
    else:
        har = tmp_path / "x.har"
        har.write_text(
            '{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [{"request": '
            f'{{"method": "GET", "url": "{url}", "headers": [{{"name": "Origin", "value": "http://localhost:5173"}}]}},'
            '"response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}}]}}'
        )
        args = ["har", str(har), "--live", "--timeout", "60"]
    result = _interrupted(args)
    assert result.returncode == 130, (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines()[-1] == "cors-doctor: interrupted", result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_pipe_ends_quietly_with_141():
    proc = subprocess.Popen(
        [sys.executable, "-m", "cors_doctor", "rule", "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO
    )
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()  # the reader (`| head -c 10`) has seen enough
    _, err = proc.communicate(timeout=30)
    # rule --all prints little: it may have finished before the pipe closed
    assert proc.returncode in (0, 141)
    assert err == b""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_examples(command):
    result = run_cli(command, "--help")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"Usage: cors-doctor {command} ")
    assert "Examples:" in result.stdout and f"cors-doctor {command}" in result.stdout.split("Examples:", 1)[1]
    assert "{" not in result.stdout.split("Options", 1)[0] and "<str>" not in result.stdout


def test_an_unknown_command_suggests_the_closest():
    result = run_cli("chek", "https://api.example.com")
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "cors-doctor: error: no such command 'chek'; did you mean 'check'?",
        "cors-doctor: hint: run 'cors-doctor --help' for the list of commands",
    ]


def test_rule_prints_a_page_and_an_unknown_code_is_one_line():
    page = run_cli("rule", "cd305")
    assert page.code == 0 and page.stdout.startswith("# CD305 ")
    assert "## The fix" in page.stdout
    listing = run_cli("rule", "--all")
    assert listing.code == 0 and len(listing.stdout.splitlines()) >= 60
    unknown = run_cli("rule", "CD999")
    assert unknown.code == 2 and unknown.stdout == ""
    assert unknown.stderr.splitlines()[0] == "cors-doctor: error: unknown finding code 'CD999'"


def test_shell_completion_is_offered():
    result = run_cli("--show-completion", env={"SHELL": "/bin/bash"})
    assert result.code == 0, result.stderr
    assert "_CORS_DOCTOR_COMPLETE" in result.stdout
