"""The Markdown summary of a `ci` run, appended to $GITHUB_STEP_SUMMARY when that is set.

One table row per policy check and the first failures in detail. Everything that came from a
policy file or a server is escaped for Markdown and HTML (`</details>`, `<img>`, `|`, `@name`
print as text). GitHub drops a step summary over 1 MiB, so the summary stops adding failures
at MAX_SUMMARY_BYTES, cuts long values at MAX_VALUE_CHARS, and says what it left out.
"""

from __future__ import annotations

from cors_doctor.ci.outcome import Outcome, Tally
from cors_doctor.render.escape import markdown

MAX_SUMMARY_BYTES = 512 * 1024
MAX_VALUE_CHARS = 1000


def _cell(text: str) -> str:
    """Foreign text, shown literally (in a table cell, a list item or bold text)."""
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + f" … ({len(text) - MAX_VALUE_CHARS} more characters)"
    return markdown(" ".join(text.splitlines()))


def _headline(tally: Tally) -> str:
    seconds = f"{tally.elapsed:.1f} s"
    if tally.total == 0:
        return "No checks ran (this shard is empty)."
    if tally.ok:
        passed = "1 check passed" if tally.total == 1 else f"All {tally.total} checks passed"
        return f"✅ **{passed}** in {seconds}."
    parts = [f"{tally.failed} failed"] + ([f"{tally.errors} could not be checked"] if tally.errors else [])
    bad = tally.failed + tally.errors
    return f"❌ **{bad} of {tally.total} checks did not pass** ({', '.join(parts)}) in {seconds}."


def _failure(outcome: Outcome) -> list[str]:
    mark = "❌" if outcome.status == "fail" else "⚠️"
    lines = [f"**{mark} {_cell(outcome.check)}**: {_cell(outcome.title)}", ""]
    lines += [f"- {_cell(problem)}" for problem in outcome.problems]
    if outcome.browser_message and outcome.status == "fail":
        lines.append(f"- browser console: {_cell(outcome.browser_message)}")
    lines += [f"- `{f.code}` {_cell(f.message)}" for f in outcome.findings if f.severity == "error"]
    lines += [f"- {_cell(note)}" for note in outcome.notes]
    return [*lines, ""]


def summary_markdown(tally: Tally, source: str, shard: str | None = None) -> str:
    """The whole summary as one Markdown string (ends with a blank line, so appends stack)."""
    where = f" (shard {shard})" if shard else ""
    lines = [f"### cors-doctor ci: {_cell(source)}{where}", "", _headline(tally), ""]
    if tally.checks:
        lines += ["| check | expect | cases | passed | failed | errors |", "|---|---|---:|---:|---:|---:|"]
        for t in tally.checks.values():
            if t.total:
                lines.append(f"| {_cell(t.name)} | {t.expect} | {t.total} | {t.passed} | {t.failed} | {t.errors} |")
        lines.append("")
    if tally.failures:
        lines += ["<details open><summary>Failures</summary>", ""]
        size = sum(len(line.encode()) + 1 for line in lines)
        shown = 0
        for outcome in tally.failures:
            block = _failure(outcome)
            block_size = sum(len(line.encode()) + 1 for line in block)
            if size + block_size > MAX_SUMMARY_BYTES:
                break
            lines += block
            size += block_size
            shown += 1
        left_out = len(tally.failures) - shown + tally.unlisted_failures
        if shown < len(tally.failures):
            cut = (
                f"… and {left_out} more, left out to keep this summary under {MAX_SUMMARY_BYTES // 1024} KiB "
                "(GitHub drops step summaries over 1 MiB); see the JUnit report or the log."
            )
            lines += [cut, ""]
        elif left_out:
            lines += [f"… and {left_out} more (see the JUnit report or the log).", ""]
        lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def append_step_summary(path: str, text: str) -> None:
    """Append (never overwrite): other steps and jobs write to the same file."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
