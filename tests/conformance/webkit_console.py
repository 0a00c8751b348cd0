"""The undriven WebKit pass: the console messages WebKit prints for each case.

A WebDriver session is ephemeral, and WebKit writes no console messages for ephemeral pages, so
the driven pass (webkit.py) cannot see the CORS errors. This pass starts MiniBrowser *without*
automation, on fresh data directories, with `--enable-write-console-messages-to-stdout=true`,
on a page (served by the case server on the page origin) whose own script runs a list of cases
one after another with the same FETCH_JS and the same fetch() arguments as the driven pass, and
prints a marker line before and after each case:

    CORSDOCTOR BEGIN <id>
    ... the engine's console lines for the case ...
    CORSDOCTOR RESULT <id> <fetch result as JSON>

Every case's lines lie between its two markers (cases run strictly in sequence, and the page
waits SETTLE_MS after each fetch so a late console line is still inside). Cases are split into
`workers` chunks, one MiniBrowser each. A chunk that prints nothing for CASE_TIMEOUT_S is killed
(by its PID's process group) and restarted with the cases it had not finished; a case that
stalls twice is reported with a problem instead of an observation.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count

from .engine import FETCH_JS, FETCH_TIMEOUT_MS, page_args
from .model import Case
from .server import CaseServer, LoggedRequest
from .xvfb import stop_group

MARK = "CORSDOCTOR"
SETTLE_MS = 150
CASE_TIMEOUT_S = 20.0
STARTUP_TIMEOUT_S = 30.0
# "<url>:<line>:<column>: CONSOLE <source> <level> <text>"; the source is absent for console.*()
CONSOLE_LINE = re.compile(
    r"^(?:\S*:\d+:\d+: )?CONSOLE (?:(?P<source>[A-Z-]+) )??"
    r"(?P<level>LOG|DEBUG|INFO|WARN|WARNING|ERROR) (?P<text>.*)$"
)

PAGE_SCRIPT = """
const cases = %(cases)s;
const runCase = %(fetch)s;
(async () => {
  for (const c of cases) {
    console.log("%(mark)s BEGIN " + c.id);
    const result = await runCase(c.args);
    if (!result.ok || (result.later || []).some(r => !r.ok)) {
      await new Promise(resolve => setTimeout(resolve, %(settle)d));  // a late console line
    }
    console.log("%(mark)s RESULT " + c.id + " " + JSON.stringify(result));
  }
  console.log("%(mark)s DONE");
})();
"""


@dataclass
class ConsoleRun:
    """What the undriven pass saw for one case."""

    result: dict | None = None
    console: list[str] = field(default_factory=list)
    log: list[LoggedRequest] = field(default_factory=list)
    problem: str | None = None


def page_html(cases: list[Case], server: CaseServer) -> str:
    items = [{"id": c.id, "args": page_args(c, server, FETCH_TIMEOUT_MS)} for c in cases]
    data = json.dumps(items, ensure_ascii=True).replace("</", "<\\/")
    script = PAGE_SCRIPT % {"cases": data, "fetch": FETCH_JS.strip(), "mark": MARK, "settle": SETTLE_MS}
    return (
        '<!doctype html><meta charset=utf-8><link rel=icon href="data:,">'
        f"<title>cors-doctor console pass</title><script>{script}</script>"
    )


class ConsolePass:
    """Runs cases in plain (undriven) MiniBrowsers and collects their console lines."""

    def __init__(self, minibrowser: str, args: list[str], display: str, workers: int = 2):
        self.minibrowser = minibrowser
        self.args = args
        self.display = display
        self.workers = max(1, workers)
        self._pages = count()

    def run(self, cases: list[Case], server: CaseServer) -> dict[str, ConsoleRun]:
        chunks = [cases[i :: self.workers] for i in range(self.workers)]
        chunks = [chunk for chunk in chunks if chunk]
        runs: dict[str, ConsoleRun] = {}
        with ThreadPoolExecutor(max_workers=len(chunks) or 1) as pool:
            for part in pool.map(lambda chunk: self._run_chunk(chunk, server), chunks):
                runs.update(part)
        for case in cases:  # the driven pass took its own requests before this pass started
            runs[case.id].log = server.take_log(case.id)
        return {case.id: runs[case.id] for case in cases}

    def _run_chunk(self, cases: list[Case], server: CaseServer) -> dict[str, ConsoleRun]:
        runs: dict[str, ConsoleRun] = {}
        stalls: dict[str, int] = {}
        pending = list(cases)
        while pending:
            stuck = self._run_browser(pending, server, runs)
            if stuck is None:
                break
            stalls[stuck] = stalls.get(stuck, 0) + 1
            if stalls[stuck] >= 2:
                runs[stuck] = ConsoleRun(
                    problem=f"MiniBrowser stalled twice on this case (no output for {CASE_TIMEOUT_S:.0f} s)"
                )
            pending = [c for c in pending if c.id not in runs]
        return runs

    def _run_browser(self, cases: list[Case], server: CaseServer, runs: dict[str, ConsoleRun]) -> str | None:
        """One MiniBrowser over `cases`; fills `runs`; returns the id it stalled on, or None."""
        url = server.add_page(f"/webkit-console/{next(self._pages)}", page_html(cases, server))
        with tempfile.TemporaryDirectory(prefix="cors-doctor-webkit-") as home:
            proc = subprocess.Popen(
                [self.minibrowser, *self.args, url],
                env=browser_env(home, self.display),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
            lines: queue.Queue[str | None] = queue.Queue()
            reader = threading.Thread(target=_pump, args=(proc, lines), daemon=True)
            reader.start()
            try:
                return self._collect(cases, lines, runs)
            finally:
                stop_group(proc)
                reader.join(5)

    @staticmethod
    def _collect(cases: list[Case], lines: queue.Queue, runs: dict[str, ConsoleRun]) -> str | None:
        current: str | None = None
        console: list[str] = []
        timeout = STARTUP_TIMEOUT_S
        for _ in range(1_000_000):  # bounded: every iteration consumes a line or gives up
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                return current or next((c.id for c in cases if c.id not in runs), None)
            timeout = CASE_TIMEOUT_S
            if line is None:  # MiniBrowser exited
                return current or next((c.id for c in cases if c.id not in runs), None)
            match = CONSOLE_LINE.match(line)
            text = match.group("text") if match else None
            if match and match.group("level") == "LOG" and text.startswith(MARK + " "):
                verb, _, rest = text[len(MARK) + 1 :].partition(" ")
                if verb == "DONE":
                    return None
                case_id, _, payload = rest.partition(" ")
                if verb == "BEGIN":
                    current, console = case_id, []
                elif verb == "RESULT" and case_id == current:
                    runs[case_id] = ConsoleRun(result=json.loads(payload), console=console)
                    current = None
            elif current is not None and match and match.group("level") == "ERROR":
                console.append(text)
        raise RuntimeError("console pass read too many lines")


def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
    """Copy MiniBrowser's output into a queue (None at the end) so reads can time out.

    The console lines arrive on stderr although the setting says stdout, so both are read;
    other lines (GTK warnings) do not match CONSOLE_LINE and are ignored.
    """
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def browser_env(home: str, display: str) -> dict[str, str]:
    """Fresh HOME and XDG directories: no cookies, caches or settings from earlier runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        HOME=home,
        XDG_CONFIG_HOME=f"{home}/config",
        XDG_CACHE_HOME=f"{home}/cache",
        XDG_DATA_HOME=f"{home}/data",
        XDG_RUNTIME_DIR=home,
        DISPLAY=display,
        GTK_A11Y="none",
        NO_AT_BRIDGE="1",
    )
    return env
