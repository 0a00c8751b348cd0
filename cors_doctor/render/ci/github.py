"""GitHub Actions annotations: one `::error` workflow command per failed case (when
GITHUB_ACTIONS=true), pointing at the [[check]] in the policy file when its line is known.

GitHub shows a limited number of annotations per step, so only the failures the tally kept
(outcome.KEPT_FAILURES) are annotated, plus one notice counting the rest.
"""

from __future__ import annotations

from cors_doctor.ci.outcome import Outcome, Tally
from cors_doctor.render.escape import visible


def escape_data(text: str) -> str:
    """A workflow command's message: controls shown (the log is read on terminals too), then
    GitHub's own escapes, so a value cannot end the command and start another."""
    return visible(text, keep_newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(outcome: Outcome, policy_file: str | None = None) -> str:
    props = []
    if policy_file:
        props.append(f"file={escape_property(policy_file)}")
        if outcome.line:
            props.append(f"line={outcome.line}")
    kind = "failed" if outcome.status == "fail" else "could not be checked"
    props.append(f"title={escape_property(f'cors-doctor: {outcome.check} {kind}')}")
    message = f"{outcome.title}: {outcome.summary}"
    if len(outcome.problems) > 1:
        message += "\n" + "\n".join(outcome.problems[1:])
    return f"::error {','.join(props)}::{escape_data(message)}"


def workflow_commands(tally: Tally, policy_file: str | None = None) -> list[str]:
    lines = [annotation(outcome, policy_file) for outcome in tally.failures]
    if tally.unlisted_failures:
        lines.append(
            f"::notice title=cors-doctor::{tally.unlisted_failures} more failed checks are not annotated; "
            "see the job log or the JUnit report"
        )
    return lines
