"""`cors-doctor demo --serve`: the demo API stays up, and every command the demo prints, run by hand
against it, shows the same verdict and findings the demo showed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time

from tests._loopback import free_port
from tests.conftest import REPO, run_cli

STARTUP_S = 20.0


def _finding_codes(text: str) -> list[str]:
    return re.findall(r"^\s+(CD\d{3}) (?:error|warning|info)\b", text, re.M)


def _verdict(text: str) -> str:
    return next(word for word in ("ALLOWED", "BLOCKED", "NOT VERIFIED") if re.search(rf"^{word} — ", text, re.M))


def _demo_sections(text: str) -> list[tuple[str, str]]:
    """(printed command, the output below it) for each endpoint of `cors-doctor demo`."""
    parts = re.split(r"^\$ (cors-doctor check .+)$", text, flags=re.M)
    return [(parts[i], parts[i + 1].split("\n──", 1)[0]) for i in range(1, len(parts) - 1, 2)]


def test_every_command_the_demo_prints_shows_what_the_demo_showed():
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250", "PYTHONIOENCODING": "utf-8"}
    server = subprocess.Popen(
        [sys.executable, "-m", "cors_doctor", "demo", "--serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        assert server.stdout is not None
        lines = []
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if sum(1 for seen in lines if seen.lstrip().startswith("cors-doctor check ")) == 6:
                break
        assert lines and lines[0].startswith(f"cors-doctor demo API on http://127.0.0.1:{port} "), lines
        printed = [seen.strip() for seen in lines if seen.lstrip().startswith("cors-doctor check ")]
        assert len(printed) == 6, lines

        demo = run_cli("demo", "--no-color")
        assert demo.code == 0, demo.stderr
        sections = _demo_sections(demo.stdout)
        assert len(sections) == 6
        for (shown_command, shown_output), served_command in zip(sections, printed, strict=True):
            # The demo runs its own server on another port: the same command up to the port.
            assert re.sub(r":\d+/", ":PORT/", shown_command) == re.sub(r":\d+/", ":PORT/", served_command)
            by_hand = run_cli(*shlex.split(served_command)[1:])
            assert by_hand.code in (0, 1), by_hand.stderr
            assert _verdict(by_hand.stdout) == _verdict(shown_output), served_command
            assert _finding_codes(by_hand.stdout) == _finding_codes(shown_output), served_command
            assert _finding_codes(shown_output) or _verdict(shown_output) == "ALLOWED"
    finally:
        server.terminate()
        server.wait(10)


def test_the_demo_shows_the_findings_check_shows_for_the_broken_endpoints():
    """The drift the single pipeline removed: CD605 on /preflight-404 and CD602 on /error-500."""
    demo = run_cli("demo", "--no-color")
    sections = {re.search(r"/[\w-]+(?= )", command).group(0): output for command, output in _demo_sections(demo.stdout)}
    assert "CD605" in _finding_codes(sections["/preflight-404"])
    assert "CD602" in _finding_codes(sections["/error-500"])


def test_a_busy_port_is_one_error_line():
    port = free_port()
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = run_cli("demo", "--serve", "--port", str(port))
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"cors-doctor: error: cannot listen on 127.0.0.1:{port}: ")
    assert len(result.stderr.strip().splitlines()) == 1
