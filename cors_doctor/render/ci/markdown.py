"""The Markdown summary of a `ci` run, appended to $GITHUB_STEP_SUMMARY when that is set.

One table row per policy check and the first failures in detail; GitHub caps a step summary at
1 MiB, and the failure list is bounded by outcome.KEPT_FAILURES.
"""

from __future__ import annotations

from cors_doctor.ci.outcome import Outcome, Tally


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


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
    lines = [f"**{mark} {_cell(outcome.check)}**: {_code(outcome.title)}", ""]
    lines += [f"- {_cell(problem)}" for problem in outcome.problems]
    if outcome.browser_message and outcome.status == "fail":
        lines.append(f"- browser console: {_code(outcome.browser_message)}")
    lines += [f"- {_code(f.code)} {_cell(f.message)}" for f in outcome.findings if f.severity == "error"]
    lines += [f"- {_cell(note)}" for note in outcome.notes]
    return lines + [""]


def summary_markdown(tally: Tally, source: str, shard: str | None = None) -> str:
    """The whole summary as one Markdown string (ends with a blank line, so appends stack)."""
    where = f" (shard {shard})" if shard else ""
    lines = [f"### cors-doctor ci: {_code(source)}{where}", "", _headline(tally), ""]
    if tally.checks:
        lines += ["| check | expect | cases | passed | failed | errors |", "|---|---|---:|---:|---:|---:|"]
        for t in tally.checks.values():
            if t.total:
                lines.append(f"| {_cell(t.name)} | {t.expect} | {t.total} | {t.passed} | {t.failed} | {t.errors} |")
        lines.append("")
    if tally.failures:
        lines += ["<details open><summary>Failures</summary>", ""]
        for outcome in tally.failures:
            lines += _failure(outcome)
        if tally.unlisted_failures:
            lines += [f"… and {tally.unlisted_failures} more (see the JUnit report or the log).", ""]
        lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def append_step_summary(path: str, text: str) -> None:
    """Append (never overwrite): other steps and jobs write to the same file."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
