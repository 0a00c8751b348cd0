"""What a `ci` run prints while it runs and when it ends.

On a terminal: a rich progress bar, with failures printed above it as they happen. In CI logs
(no terminal, or CI set): one plain line per case, cheap to write and easy to grep. At the end:
a table per policy check, the first failures in detail, and one line of totals.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any

from cors_doctor.ci.outcome import Outcome, Tally
from cors_doctor.render.escape import visible

_LABEL = {"pass": "PASS", "fail": "FAIL", "error": "ERROR"}
# A log line names the request; a URL of a megabyte is cut (the JUnit report keeps it whole).
MAX_TITLE_CHARS = 300


def _title(outcome: Outcome) -> str:
    title = outcome.title
    if len(title) <= MAX_TITLE_CHARS:
        return title
    return f"{title[:MAX_TITLE_CHARS]}… ({len(title) - MAX_TITLE_CHARS} more characters)"


_STYLE = {"pass": "green", "fail": "bold red", "error": "bold yellow"}


def wants_live_progress(stream: IO[str]) -> bool:
    """A progress bar only for a person at a terminal; CI logs get plain lines."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class RunDisplay:
    """Progress of one run on `stream` (stderr): live bar or plain lines."""

    def __init__(
        self,
        total: int,
        *,
        live: bool,
        quiet: bool = False,
        verbose: bool = False,
        no_color: bool = False,
        stream: IO[str] | None = None,
    ) -> None:
        self.total = total
        self.live = live
        self.quiet = quiet
        self.verbose = verbose
        self.no_color = no_color
        self.stream = stream or sys.stderr
        self.done = self.failed = self.errors = 0
        self._progress: Any = None
        self._task: Any = None

    def start(self, heading: str) -> None:
        if not self.live:
            self.stream.write(f"{heading}\n")
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from cors_doctor.render import make_console

        console = make_console(no_color=self.no_color, stderr=True)
        console.print(heading, highlight=False, markup=False)
        self._progress = Progress(
            TextColumn("[bold]checking[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("ci", total=self.total, counts="")
        self._progress.start()

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.status == "fail"
        self.errors += outcome.status == "error"
        if self.live:
            self._live(outcome)
        elif outcome.status != "pass" or not self.quiet:
            self.stream.write(_plain_line(outcome, self.done, self.total))

    def _live(self, outcome: Outcome) -> None:
        from cors_doctor.render.escape import markup as escape

        if outcome.status != "pass" or self.verbose:
            style = _STYLE[outcome.status]
            self._progress.console.print(
                f"[{style}]{_LABEL[outcome.status]:5}[/] {escape(outcome.check)}: {escape(_title(outcome))}\n"
                f"      [dim]{escape(outcome.summary)}[/]",
                soft_wrap=True,
            )
        counts = f"[red]{self.failed} failed[/] " if self.failed else ""
        counts += f"[yellow]{self.errors} errors[/]" if self.errors else ""
        self._progress.update(self._task, advance=1, counts=counts)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        self.stream.flush()


def _plain_line(outcome: Outcome, done: int, total: int) -> str:
    width = len(str(total))
    line = (
        f"{_LABEL[outcome.status]:5} [{done:>{width}}/{total}] {outcome.check}: {_title(outcome)} - {outcome.summary}\n"
    )
    for problem in outcome.problems[1:]:
        line += f"      {visible(problem)}\n"
    return visible(line, keep_newlines=True)


def totals_line(tally: Tally, shard: str | None) -> str:
    where = f" (shard {shard})" if shard else ""
    if tally.total == 0:
        return f"no checks ran{where}"
    word = "check" if tally.total == 1 else "checks"
    text = f"{tally.total} {word}{where}: {tally.passed} passed, {tally.failed} failed"
    if tally.errors:
        text += f", {tally.errors} could not be checked"
    return text + f" in {tally.elapsed:.1f} s"


def print_summary(tally: Tally, shard: str | None, *, stream: IO[str], no_color: bool = False) -> None:
    """The table per policy check, the first failures, and the totals line: with rich on a
    terminal, as plain text elsewhere (CI logs need no colors, and rich costs start-up time)."""
    isatty = getattr(stream, "isatty", None)
    if isatty and isatty():
        _rich_summary(tally, shard, stream, no_color)
    else:
        stream.write(plain_summary(tally, shard))
        stream.flush()


def plain_summary(tally: Tally, shard: str | None) -> str:
    rows = [("check", "expect", "cases", "passed", "failed", "errors")]
    rows += [
        (t.name, t.expect, str(t.total), str(t.passed), str(t.failed), str(t.errors))
        for t in tally.checks.values()
        if t.total
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [""]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [c.rjust(w) for c, w in zip(row[2:], widths[2:])]
        lines.append("  ".join(cells).rstrip())
    if tally.failures:
        lines += ["", "Failures"]
        for outcome in tally.failures:
            lines.append(f"  {_LABEL[outcome.status]} {outcome.check}: {_title(outcome)}")
            lines += [f"        {problem}" for problem in outcome.problems]
            lines += [f"        {f.code}: {f.message}" for f in outcome.findings if f.severity == "error"]
        if tally.unlisted_failures:
            lines.append(f"  ... and {tally.unlisted_failures} more (listed in the log above and in the reports)")
    lines += ["", totals_line(tally, shard)]
    # Check names come from the policy file, problems and findings quote the servers.
    return "\n".join(visible(line) for line in lines) + "\n"


def _rich_summary(tally: Tally, shard: str | None, stream: IO[str], no_color: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from cors_doctor.render.escape import markup as escape

    console = Console(file=stream, no_color=no_color or None, highlight=False, soft_wrap=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column, justify in (
        ("check", "left"),
        ("expect", "left"),
        ("cases", "right"),
        ("passed", "right"),
        ("failed", "right"),
        ("errors", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for t in tally.checks.values():
        if t.total:
            failed = f"[red]{t.failed}[/]" if t.failed else "0"
            errors = f"[yellow]{t.errors}[/]" if t.errors else "0"
            table.add_row(escape(t.name), t.expect, str(t.total), str(t.passed), failed, errors)
    console.print()
    console.print(table)
    if tally.failures:
        console.print("\n[bold]Failures[/]")
        for outcome in tally.failures:
            style = _STYLE[outcome.status]
            console.print(
                f"  [{style}]{_LABEL[outcome.status]}[/] {escape(outcome.check)}: {escape(_title(outcome))}",
                soft_wrap=True,
            )
            for problem in outcome.problems:
                console.print(f"        {escape(problem)}", soft_wrap=True)
            for finding in outcome.findings:
                if finding.severity == "error":
                    console.print(f"        [dim]{finding.code}: {escape(finding.message)}[/]", soft_wrap=True)
        if tally.unlisted_failures:
            console.print(f"  … and {tally.unlisted_failures} more (listed in the log above and in the reports)")
    style = "bold green" if tally.ok else "bold red"
    console.print(f"\n[{style}]{escape(totals_line(tally, shard))}[/]")
