"""Progress of `cors-doctor audit` over many URLs, on stderr and only for a person at a terminal.

Results still go to stdout as they finish; rich prints them above the bar, which it keeps
at the bottom and removes at the end.
"""

from __future__ import annotations

from typing import Any

from cors_doctor.audit.model import AuditResult


class AuditProgress:
    """A bar of URLs audited, with counts of high findings and URLs not audited."""

    def __init__(self, total: int, *, no_color: bool = False) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from cors_doctor.render import make_console

        self.high = self.not_audited = 0
        self._progress: Any = Progress(
            TextColumn("[bold]auditing[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=make_console(no_color=no_color, stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("audit", total=total, counts="")

    def __enter__(self) -> AuditProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def add(self, result: AuditResult) -> None:
        self.high += result.count("high")
        self.not_audited += result.error is not None
        counts = f"[bold red]{self.high} high[/] " if self.high else ""
        counts += f"[yellow]{self.not_audited} not audited[/]" if self.not_audited else ""
        self._progress.update(self._task, advance=1, counts=counts)
