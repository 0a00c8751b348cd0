"""The WebKit runner's own machinery: reading MiniBrowser's console output, choosing the console
message, and (with a real WebKit) the watchdog, the restart after a dead browser, and stopping
every process it started."""

from __future__ import annotations

import os
import queue
import time

import pytest

from .cases import BY_ID, CASES
from .conftest import start_engine
from .engine import ENGINES
from .webkit import WebKitRunner, compare_passes, console_message, observe
from .webkit_console import ConsolePass, ConsoleRun, page_html

PAGE = "http://localhost:4000/webkit-console/0"


def feed(*lines: str | None) -> queue.Queue:
    q: queue.Queue = queue.Queue()
    for line in lines:
        q.put(line)
    return q


def test_console_lines_between_markers_belong_to_their_case():
    lines = feed(
        f"{PAGE}:21:16: CONSOLE LOG CORSDOCTOR BEGIN a",
        "CONSOLE SECURITY ERROR Origin http://localhost:4000 is not allowed by "
        "Access-Control-Allow-Origin. Status code: 200",
        "CONSOLE JS ERROR Fetch API cannot load http://127.0.0.1:5000/c/a/r due to access control checks.",
        "(MiniBrowser:1): Gtk-WARNING **: not a console line",
        f'{PAGE}:24:16: CONSOLE LOG CORSDOCTOR RESULT a {{"ok":false,"error":"TypeError: Load failed"}}',
        f"{PAGE}:21:16: CONSOLE LOG CORSDOCTOR BEGIN b",
        f"{PAGE}:7:3: CONSOLE LOG ERROR is only the text of a console.log",
        f'{PAGE}:24:16: CONSOLE LOG CORSDOCTOR RESULT b {{"ok":true,"status":200}}',
        f"{PAGE}:26:14: CONSOLE LOG CORSDOCTOR DONE",
    )
    runs: dict[str, ConsoleRun] = {}
    stuck = ConsolePass._collect([BY_ID[CASES[0].id]], lines, runs)
    assert stuck is None
    assert runs["a"].result == {"ok": False, "error": "TypeError: Load failed"}
    assert runs["a"].console == [
        "Origin http://localhost:4000 is not allowed by Access-Control-Allow-Origin. Status code: 200",
        "Fetch API cannot load http://127.0.0.1:5000/c/a/r due to access control checks.",
    ]
    assert runs["b"].result == {"ok": True, "status": 200} and runs["b"].console == []


def test_a_browser_that_exits_mid_case_is_reported_as_stuck_on_that_case():
    case = CASES[0]
    lines = feed(f"{PAGE}:21:16: CONSOLE LOG CORSDOCTOR BEGIN {case.id}", None)
    runs: dict[str, ConsoleRun] = {}
    assert ConsolePass._collect([case], lines, runs) == case.id
    assert runs == {}


def test_the_console_page_escapes_script_end_tags():
    class Origins:
        page = "http://localhost:1"

    class Server:
        origins = Origins()

        def url(self, case):
            return "http://127.0.0.1:2/c/x/r"

    html = page_html([BY_ID[CASES[0].id]], Server())  # type: ignore[arg-type]
    script = html.split("<script>", 1)[1]
    assert script.count("</script>") == 1  # only the real end tag


def test_console_message_joins_the_reason_and_the_load_line():
    reason = "Origin http://localhost:4000 is not allowed by Access-Control-Allow-Origin. Status code: 200"
    load = "Fetch API cannot load http://127.0.0.1:5000/c/a/r due to access control checks."
    assert console_message([reason, load]) == f"{reason}\n{load}"
    assert console_message([load]) == load
    xhr = "XMLHttpRequest cannot load http://127.0.0.1:5000/c/a/r due to access control checks."
    assert console_message([reason, xhr]) == f"{reason}\n{xhr}"
    assert console_message([]) is None


def test_passes_that_disagree_say_how():
    driven = observe({"ok": True, "status": 200, "headers": []}, [], [], console_message)
    agreeing = ConsoleRun(result={"ok": True, "status": 200, "headers": []})
    assert compare_passes(driven, agreeing) is None
    blocked = ConsoleRun(result={"ok": False, "error": "TypeError: Load failed"})
    assert compare_passes(driven, blocked) == "allowed: driven True, console pass False"
    assert compare_passes(driven, ConsoleRun(problem="stalled")) == "stalled"


# -- with a real WebKit ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def webkit():
    runner = start_engine(ENGINES["webkit"])
    try:
        yield runner
    finally:
        runner.close()


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...]."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(") ", 1)[1].split()
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return None


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"  # a zombie has exited


def live_group_members(pgid: int) -> list[int]:
    """Running (not zombie) processes in process group `pgid`."""
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return [pid for pid in pids if (f := _stat(pid)) is not None and f[0] != "Z" and f[2] == str(pgid)]


@pytest.mark.browser
def test_the_watchdog_kills_a_stuck_browser_and_the_next_case_restarts_it(webkit, case_server):
    driver_pid = webkit._service.process.pid
    with webkit._watchdog(0.2) as fired:
        time.sleep(1.0)  # stands for a WebDriver call that never returns
    assert fired.is_set()
    assert not alive(driver_pid) and live_group_members(driver_pid) == []
    case = BY_ID["acao-exact"]
    result, log = webkit._run_bounded(case, case_server)
    assert result["ok"] is True and [r.method for r in log] == ["GET"]
    assert webkit._service.process.pid != driver_pid


@pytest.mark.browser
def test_close_stops_xvfb_driver_and_browser_by_pid(case_server):
    runner = start_engine(ENGINES["webkit"])
    driver, xvfb = runner._service.process, runner._xvfb._proc
    try:
        observed = runner.run([BY_ID["acao-missing"]], case_server)["acao-missing"]
    finally:
        runner.close()
    assert not observed.allowed and observed.console_pass is None
    assert observed.console_message.startswith("Origin ")
    assert driver.poll() is not None and xvfb.poll() is not None
    assert live_group_members(driver.pid) == []  # MiniBrowser and WebKit's helpers are gone too
    assert live_group_members(xvfb.pid) == []


def test_runner_is_the_engine_runner():
    assert ENGINES["webkit"].runner_class == WebKitRunner.__name__
