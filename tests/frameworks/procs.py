"""Real servers for the framework tests: start a process on a free loopback port, stop it.

Each server is a child process of the test run (uvicorn, flask, node, nginx, Django's
runserver) listening on 127.0.0.1. `ServerProcess.stop()` ends exactly that process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests._loopback import free_port

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
CHECK_TIMEOUT = "5"


def fill(template: str, **regions: str) -> str:
    """Put each region's text where the template has `@@NAME@@`; slots not given stay empty.

    `@@DIR@@` (the server's directory) is kept for the caller to fill, also inside region texts.
    """
    for name, text in regions.items():
        template = template.replace(f"@@{name.upper()}@@", text)
    return re.sub(r"@@(?!DIR@@)[A-Z_]+@@", "", template)


@dataclass
class ServerProcess:
    """One server process on 127.0.0.1:port, with its output in a log file for failure messages."""

    argv: list[str]
    cwd: Path
    port: int
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.cwd / f"server-{self.port}.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def start(self) -> ServerProcess:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.argv[0]} did not listen on port {self.port} in {STARTUP_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)


@dataclass(frozen=True)
class Check:
    """The outcome of `cors-doctor check ... --json`."""

    code: int
    doc: dict
    stderr: str

    @property
    def allowed(self) -> bool:
        return self.code == 0 and self.doc["allowed"] is True

    @property
    def codes(self) -> set[str]:
        return {f["code"] for f in self.doc["findings"]}

    @property
    def fix(self) -> dict | None:
        return self.doc["fix"]

    @property
    def framework(self) -> dict:
        return self.doc["framework"]

    def part(self, where: str) -> str:
        """The text of the fix part that goes `where` (nginx: http, location ...)."""
        assert self.fix is not None, "no fix suggested"
        texts = [p["text"] for p in self.fix["parts"] if p["where"] == where]
        assert len(texts) == 1, f"no single part {where!r} in {self.fix['parts']}"
        return texts[0]

    def explain(self) -> str:
        findings = "\n".join(f"  {f['code']} {f['message']}" for f in self.doc.get("findings", []))
        return f"exit {self.code}; allowed={self.doc.get('allowed')}\n{findings}\nstderr: {self.stderr[-1500:]}"


def run_check(cli: Callable, url: str, origin: str, *flags: str, framework: str | None = None) -> Check:
    """Run the check as a user would, with --json; a usage error or crash fails the test.

    --probe-reflection is on so that origin reflection with credentials (CD607) is told apart
    from an allow-list, as a user asking about it would run the check."""
    args = ["check", url, "--origin", origin, *flags, "--json", "--probe-reflection", "--timeout", CHECK_TIMEOUT]
    if framework:
        args += ["--framework", framework]
    result = cli(*args, env={"NO_PROXY": "*", "no_proxy": "*"})
    assert result.code in (0, 1), f"exit {result.code}: {result.stderr}"
    return Check(result.code, json.loads(result.stdout), result.stderr)


class AppUnderTest:
    """A server built from file templates: write them with some configuration, serve, check, rebuild.

    `files` maps file names to templates with `@@NAME@@` slots (`@@PORT@@` and `@@DIR@@` are
    filled in too); `argv(port, directory)` is the command that serves them.
    """

    def __init__(
        self,
        serve: Callable,
        tmp_path: Path,
        cli: Callable,
        *,
        framework: str,
        files: dict[str, str],
        argv: Callable[[int, Path], list[str]],
        env: dict[str, str] | None = None,
    ) -> None:
        self._serve, self._tmp, self._cli = serve, tmp_path, cli
        self.framework, self.files, self._argv, self._env = framework, files, argv, env or {}
        self._versions = 0
        self.server: ServerProcess | None = None

    def start(self, **regions: str) -> str:
        """Write the files with these slot contents into a fresh directory and (re)start the server."""
        if self.server is not None:
            self.server.stop()
        self._versions += 1
        directory = self._tmp / f"v{self._versions}"
        directory.mkdir()
        port = free_port()
        for name in regions:
            assert any(f"@@{name.upper()}@@" in t for t in self.files.values()), f"no @@{name.upper()}@@ slot"
        for name, template in self.files.items():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            text = fill(template.replace("@@PORT@@", str(port)), **regions).replace("@@DIR@@", str(directory))
            (directory / name).write_text(fill(text))
        self.server = self._serve(lambda _: self._argv(port, directory), cwd=directory, env=self._env, port=port)
        return self.server.url

    def check(self, path: str, origin: str, *flags: str, framework: str | None = "") -> Check:
        """`cors-doctor check` against the running server; framework "" means this app's framework."""
        assert self.server is not None
        chosen = self.framework if framework == "" else framework
        return run_check(self._cli, self.server.url + path, origin, *flags, framework=chosen)

    def recheck(self, before: Check, path: str, origin: str, *flags: str, **regions: str) -> Check:
        """Restart with the suggested configuration in the slots; the same check must now pass."""
        assert before.fix is not None and before.fix["framework"] == self.framework, before.explain()
        self.start(**regions)
        after = self.check(path, origin, *flags)
        assert after.allowed, f"the suggested fix did not work:\n{before.fix['snippet']}\n{after.explain()}"
        return after
