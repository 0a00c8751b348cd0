"""What every browser engine runner provides, and what it reports for one case.

A runner drives one real browser (Chromium, Firefox or WebKit) through the conformance cases:

    with FirefoxRunner() as runner:                    # start() / close()
        observations = runner.run(cases, server)       # {case id: Observation}
        runner.version, runner.user_agent, runner.settings

The page at {page} runs FETCH_JS for each case; the runner turns the fetch() result, the engine's
console output and the server's log into an Observation with `observe()`. Everything that says
which requests were sent comes from the server log (LoggedRequest), never from the browser.

ENGINES names the three engines: the name used in fixture files (<name>_verdicts.json) and
`record --engine NAME`, the `--browser` value of the cors-doctor CLI that must follow the engine,
and where its runner lives (imported only when used: each pulls in a heavy driver package).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, Self

from .model import Case
from .page import FETCH_TIMEOUT_MS, PAGE_JS, fetch_init, page_args, split_log  # noqa: F401  (runners use them)
from .server import CaseServer, LoggedRequest

HERE = Path(__file__).parent

# Runs in the page: every engine runs this same function, `(page_args(case, server)) =>
# Promise<result>` (page.py: fetch() or XMLHttpRequest, follow-up requests of case.then).
FETCH_JS = PAGE_JS


@dataclass(frozen=True)
class Observation:
    """What one engine did for one case (all strings still carry this run's ports).

    console_message is the one console line that explains a block (engine-specific choice, see
    each runner); console keeps every error line the engine printed for the case.
    """

    allowed: bool
    preflight_sent: bool
    acrm: str | None
    acrh: str | None
    exposed_headers: list[str]
    console_message: str | None
    status: int | None = None
    body: str | None = None
    error: str | None = None
    console: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    # One entry per follow-up request of the case (case.then): allowed, preflight_sent, status,
    # error and the requests it caused.
    later: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class EngineRunner(Protocol):
    """One running browser that runs many cases; a context manager around start()/close()."""

    name: str  # "chromium", "firefox", "webkit"
    version: str | None  # set by start()
    user_agent: str | None  # navigator.userAgent, set by the first run()

    @property
    def settings(self) -> dict:
        """Launch arguments, prefs and cookie policy that shape the verdicts (stored in fixtures)."""
        ...

    def start(self) -> Self: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def run(self, cases: Iterable[Case], server: CaseServer) -> dict[str, Observation]:
        """Run the cases (bounded in time) and return one Observation per case id, in order."""
        ...


@dataclass(frozen=True)
class Engine:
    """A browser engine of the suite: fixture name, CLI --browser value, where its runner is."""

    name: str
    browser: str  # the cors-doctor --browser value that must agree with this engine
    label: str  # for messages: "Chromium", "Firefox", "WebKit"
    module: str  # tests.conformance.<module> holds `runner_class` and `missing()`
    runner_class: str

    @property
    def fixture(self) -> Path:
        return HERE / f"{self.name}_verdicts.json"

    def _module(self):
        return importlib.import_module(f"{__package__}.{self.module}")

    def missing(self) -> str | None:
        """Why this engine cannot run here (browser or driver package absent), None when it can."""
        return self._module().missing()

    def runner(self, **kwargs) -> EngineRunner:
        return getattr(self._module(), self.runner_class)(**kwargs)


ENGINES: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine("chromium", "chrome", "Chromium", "chromium", "ChromiumRunner"),
        Engine("firefox", "firefox", "Firefox", "firefox", "FirefoxRunner"),
        Engine("webkit", "safari", "WebKit", "webkit", "WebKitRunner"),
    )
}


def available() -> list[Engine]:
    """Engines whose runner module is part of this checkout (all three once WebKit's is in)."""
    return [e for e in ENGINES.values() if (HERE / f"{e.module}.py").exists()]


def summarize_requests(log: list[LoggedRequest]) -> list[dict]:
    """Server-log entries in a compact, JSON-friendly form (Host is dropped: it only has ports)."""
    return [
        {
            "role": r.role,
            "method": r.method,
            "path": r.target,
            "preflight": r.is_preflight,
            "headers": [f"{n}: {v}" for n, v in r.headers if n.lower() != "host"],
            "body": r.body.decode("utf-8", "replace"),
        }
        for r in log
    ]


def observe(
    result: dict,
    console: list[str],
    log: list[LoggedRequest],
    pick_message: Callable[[list[str]], str | None],
) -> Observation:
    """Combine the page's fetch() result, the engine's console lines and the server log.

    `pick_message` chooses the console line that explains a block (each engine words and splits
    its messages differently). The log is cut at the page's separator requests (page.split_log):
    the first part belongs to the case's request, the others to its follow-ups (`later`).
    """
    log, *later_logs = split_log(log)
    later = [
        {
            "allowed": bool(res.get("ok")),
            "preflight_sent": any(r.is_preflight for r in part),
            "status": res.get("status"),
            "error": res.get("error"),
            "requests": summarize_requests(part),
        }
        for res, part in zip(result.get("later", []), later_logs, strict=False)  # a timed-out page may report fewer
    ]
    preflights = [r for r in log if r.is_preflight]
    first = preflights[0] if preflights else None
    allowed = bool(result.get("ok"))
    return Observation(
        allowed=allowed,
        preflight_sent=first is not None,
        acrm=first.header("Access-Control-Request-Method") if first else None,
        acrh=first.header("Access-Control-Request-Headers") if first else None,
        exposed_headers=list(result.get("headers", [])) if allowed else [],
        console_message=None if allowed else pick_message(console),
        status=result.get("status"),
        body=result.get("body"),
        error=result.get("error"),
        console=list(console),
        requests=summarize_requests(log),
        later=later,
    )
