"""`ci --format FORMAT`: the one report written to stdout, chosen by name.

Each reporter takes outcomes as they arrive (`add`) and finishes with the tally (`close`), like
the JUnit file writer, so a run of any size streams. Formats whose shape needs the whole run
(markdown, github annotations, the JUnit suite counts) write at `close`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import IO, Protocol

from cors_doctor.ci.outcome import Outcome, Tally


class StdoutReport(Protocol):
    def add(self, outcome: Outcome) -> None: ...
    def close(self, tally: Tally) -> None: ...
    def discard(self) -> None: ...


class _AtClose:
    """Markdown or GitHub workflow commands, written from the tally once the run ends."""

    def __init__(self, out: IO[str], fmt: str, source: str, shard: str | None) -> None:
        self.out, self.fmt, self.source, self.shard = out, fmt, source, shard

    def add(self, outcome: Outcome) -> None:
        pass  # the tally keeps what these formats show

    def close(self, tally: Tally) -> None:
        if self.fmt == "markdown":
            from cors_doctor.render.ci.markdown import summary_markdown

            self.out.write(summary_markdown(tally, self.source, self.shard))
        else:
            from cors_doctor.render.ci.github import workflow_commands

            self.out.write("".join(line + "\n" for line in workflow_commands(tally, self.source)))
        self.out.flush()

    def discard(self) -> None:
        pass


class _JUnitOnStdout:
    """The JUnit report (same as --junit-xml FILE) copied to stdout once its counts are known."""

    def __init__(self, out: IO[str], suite: str, source: str, properties: dict[str, str]) -> None:
        from cors_doctor.render.ci.junit import JUnitWriter

        self.out = out
        self._dir = tempfile.mkdtemp(prefix="cors-doctor-junit-")
        self._path = os.path.join(self._dir, "report.xml")
        self._writer = JUnitWriter(self._path, suite, source, properties)

    def add(self, outcome: Outcome) -> None:
        self._writer.add(outcome)

    def close(self, tally: Tally) -> None:
        self._writer.close(tally)
        with open(self._path, encoding="utf-8") as report:
            while chunk := report.read(1 << 16):
                self.out.write(chunk)
        self.out.flush()
        self.discard()

    def discard(self) -> None:
        self._writer.discard()
        with contextlib.suppress(OSError):  # closed reports were moved here; discarded ones never were
            os.unlink(self._path)
        os.rmdir(self._dir)


class _Stream:
    """JSON or SARIF, streamed as outcomes arrive."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def add(self, outcome: Outcome) -> None:
        self._stream.add(outcome)

    def close(self, tally: Tally) -> None:
        self._stream.close(tally)

    def discard(self) -> None:
        pass


def stdout_report(fmt: str, out: IO[str], source: str, shard: str | None) -> StdoutReport | None:
    """The reporter for `--format fmt` (None for text, which the console display prints)."""
    if fmt == "text":
        return None
    if fmt == "json":
        from cors_doctor.render.ci.json import JsonStream

        return _Stream(JsonStream(out, source, shard))
    if fmt == "sarif":
        from cors_doctor.render.ci.sarif import SarifStream

        return _Stream(SarifStream(out, source, shard))
    if fmt == "junit":
        properties = {"policy": source, **({"shard": shard} if shard else {})}
        suite = f"cors-doctor: {source}" + (f" (shard {shard})" if shard else "")
        return _JUnitOnStdout(out, suite, source, properties)
    return _AtClose(out, fmt, source, shard)
