"""Run a conformance case through the cors-doctor CLI, exactly as a user would.

The command line mirrors what page script passes to fetch(): the same method spelling, the same
header names and values, --credentials for credentials:'include', --data for a string body,
--mode no-cors, and --client xhr / xhr-upload for XMLHttpRequest (with an upload listener).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .compare import foreign_requests, from_cli
from .engine import summarize_requests
from .model import Case
from .server import CaseServer

REPO = Path(__file__).resolve().parents[2]
CLI_TIMEOUT_S = 30.0
CLI_WORKERS = max(2, os.cpu_count() or 2)


@dataclass
class CliRun:
    """One CLI invocation and what came out of it."""

    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    doc: dict | None = None
    problem: str | None = None
    requests: list[dict] = field(default_factory=list)
    case: Case | None = None

    @property
    def page_origin(self) -> str:
        return self.argv[self.argv.index("--origin") + 1]

    @property
    def browser(self) -> str:
        return self.argv[self.argv.index("--browser") + 1]

    @property
    def foreign(self) -> list[dict]:
        """Requests from an Origin a browser on the page would never send."""
        return foreign_requests(self.requests, self.page_origin)

    def fields(self, case: Case) -> dict:
        """The compared fields; `requests` is everything the server logged while the CLI ran."""
        return from_cli(self.doc, self.returncode, self.requests, case, self.browser)

    def explain(self) -> str:
        """Context for a failure message: command, exit code, stderr, problem."""
        shown = " ".join(repr(a) if (" " in a or not a) else a for a in self.argv[1:])
        parts = [f"command: python {shown}", f"exit code: {self.returncode}"]
        if self.problem:
            parts.append(f"problem: {self.problem}")
        if self.stderr.strip():
            parts.append("stderr: " + self.stderr.strip()[-2000:])
        return "\n".join(parts)


def cli_argv(
    case: Case, server: CaseServer, browser: str = "chrome", extra: tuple[str, ...] = ("--actual", "--json")
) -> list[str]:
    """argv for `cors-doctor check` reproducing the case's fetch() as `browser` would send it."""
    argv = [
        sys.executable,
        "-m",
        "cors_doctor",
        "check",
        server.url(case),
        "--origin",
        server.origins.page,
        "--browser",
        browser,
    ]
    if case.method != "GET":
        argv += ["--method", case.method]
    for name, value in case.headers:
        argv += ["--header", f"{name}: {value}"]
    if case.credentials:
        argv.append("--credentials")
    if case.body is not None:
        argv += ["--data", case.body]
    if case.mode != "cors":
        argv += ["--mode", case.mode]
    if case.client != "fetch":
        argv += ["--client", "xhr-upload" if case.upload_listener else "xhr"]
    # keepalive has no option: Chromium treats a keepalive request like any other (keepalive-*).
    return argv + list(extra)


def run_cli(
    case: Case,
    server: CaseServer,
    browser: str = "chrome",
    extra: tuple[str, ...] = ("--actual", "--json"),
    timeout: float = CLI_TIMEOUT_S,
) -> CliRun:
    """Run the CLI for one case (bounded by `timeout`) and parse its JSON (when --json)."""
    argv = cli_argv(case, server, browser, extra)
    server.take_log(case.id)
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8")
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as exc:
        return CliRun(
            argv,
            None,
            _text(exc.stdout),
            _text(exc.stderr),
            problem=f"timed out after {timeout:.0f} s",
            requests=summarize_requests(server.take_log(case.id)),
            case=case,
        )
    run = CliRun(
        argv,
        proc.returncode,
        proc.stdout,
        proc.stderr,
        requests=summarize_requests(server.take_log(case.id)),
        case=case,
    )
    if "--json" not in extra:
        return run
    try:
        doc = json.loads(proc.stdout)
        if isinstance(doc, dict):
            run.doc = doc
        else:
            run.problem = "stdout is JSON but not an object"
    except json.JSONDecodeError as exc:
        run.problem = f"stdout is not one JSON object ({exc.msg})"
    return run


def _text(output: str | bytes | None) -> str:
    """Partial output of a timed-out process (bytes on some Python versions)."""
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""


def run_many(
    cases: list[Case], server: CaseServer, browser: str = "chrome", workers: int = CLI_WORKERS
) -> dict[str, CliRun]:
    """Run the CLI for many cases in a bounded thread pool."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda c: run_cli(c, server, browser), cases))
    return {case.id: run for case, run in zip(cases, runs, strict=True)}
