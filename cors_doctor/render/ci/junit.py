"""`ci --junit-xml FILE`: one <testcase> per (check, URL, origin), read by GitLab, Jenkins and
GitHub test reporters.

A failed expectation is a <failure>, a target that could not be asked is an <error>. Test cases
are spooled as they arrive (the run keeps none of them); the <testsuite> counts are known only
at the end, so the file is assembled in close() and moved into place in one step.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from cors_doctor.ci.outcome import Outcome, Tally
from cors_doctor.render.escape import visible

# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    # Reports are read with `cat` and in CI logs too: controls are shown, not obeyed.
    return escape(_NOT_XML.sub("\ufffd", visible(value, keep_newlines=True)))


def _attr(value: str) -> str:
    return quoteattr(
        _NOT_XML.sub("\ufffd", visible(value, keep_newlines=True)), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
    )


def _details(outcome: Outcome) -> str:
    lines = list(outcome.problems)
    if outcome.browser_message and outcome.status == "fail":
        lines.append(f"browser console: {outcome.browser_message}")
    lines += [f"{f.code} {f.severity}: {f.message}" for f in outcome.findings]
    lines += outcome.notes
    return "\n".join(lines)


def testcase_xml(outcome: Outcome, policy_file: str | None = None) -> str:
    """One <testcase> element, indented for its place in the suite."""
    attrs = f'classname={_attr(outcome.check)} name={_attr(outcome.title)} time="{outcome.elapsed:.3f}"'
    if policy_file:
        attrs += f" file={_attr(policy_file)}"
        if outcome.line:
            attrs += f' line="{outcome.line}"'
    if outcome.status == "pass":
        extra = "\n".join([*(f"{f.code} {f.severity}: {f.message}" for f in outcome.findings), *outcome.notes])
        if not extra:
            return f"    <testcase {attrs}/>\n"
        return f"    <testcase {attrs}>\n      <system-out>{_text(extra)}</system-out>\n    </testcase>\n"
    tag, kind = ("failure", "cors-expectation") if outcome.status == "fail" else ("error", "unreachable")
    return (
        f"    <testcase {attrs}>\n"
        f'      <{tag} message={_attr(outcome.summary)} type="{kind}">{_text(_details(outcome))}</{tag}>\n'
        f"    </testcase>\n"
    )


class JUnitWriter:
    """Writes the report to `path`; fails early (at construction) when the path is not writable."""

    def __init__(
        self, path: str, suite_name: str, policy_file: str | None = None, properties: dict[str, str] | None = None
    ) -> None:
        self.path = path
        self.suite_name = suite_name
        self.policy_file = policy_file
        self.properties = properties or {}
        self.started = time.time()
        directory = os.path.dirname(os.path.abspath(path))
        self._target = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=".junit-", suffix=".xml", delete=False
        )
        self._spool: IO[str] = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")

    def add(self, outcome: Outcome) -> None:
        self._spool.write(testcase_xml(outcome, self.policy_file))

    def close(self, tally: Tally) -> None:
        out = self._target
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.started))
        counts = f'tests="{tally.total}" failures="{tally.failed}" errors="{tally.errors}"'
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites name="cors-doctor ci" {counts} time="{tally.elapsed:.3f}">\n')
        out.write(
            f'  <testsuite name={_attr(self.suite_name)} {counts} skipped="0" '
            f'time="{tally.elapsed:.3f}" timestamp="{stamp}">\n'
        )
        if self.properties:
            out.write("    <properties>\n")
            for name, value in self.properties.items():
                out.write(f"      <property name={_attr(name)} value={_attr(value)}/>\n")
            out.write("    </properties>\n")
        self._spool.seek(0)
        while chunk := self._spool.read(1 << 16):
            out.write(chunk)
        out.write("  </testsuite>\n</testsuites>\n")
        out.close()
        self._spool.close()
        os.chmod(out.name, 0o644)  # temporary files are private; a report is read by other tools
        os.replace(out.name, self.path)

    def discard(self) -> None:
        """Drop the half-written report (the run was interrupted)."""
        self._spool.close()
        self._target.close()
        with contextlib.suppress(OSError):
            os.unlink(self._target.name)
