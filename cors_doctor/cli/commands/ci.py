"""`cors-doctor ci POLICY.toml`: check every entry of a policy file, for CI pipelines.

Exit codes: 0 every expectation held; 1 an expectation failed or a target could not be checked
(unreachable, timeout, broken HTTP: the policy was not shown to hold, and no check is silently
skipped); 2 the policy file or an option is invalid (nothing was sent).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def ci(
    policy: Annotated[str, typer.Argument(metavar="POLICY", help="Policy file (TOML), e.g. cors-policy.toml; `cors-doctor init` writes one")],
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="Checks in flight at once")] = 20,
    shard: Annotated[Optional[str], typer.Option("--shard", help="Run only part K of N of the checks, e.g. 2/4 (for parallel CI jobs)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object with every result (docs/ci.md)")] = False,
    junit_xml: Annotated[Optional[str], typer.Option("--junit-xml", metavar="FILE", help="Write a JUnit XML report (GitLab, Jenkins, GitHub test reporters)")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates")] = False,
    cacert: Annotated[Optional[str], typer.Option("--cacert", help="CA bundle (PEM) to verify TLS with")] = None,
    transport: Annotated[str, typer.Option("--transport", help="HTTP client under the checks: aiohttp (fast) or httpx")] = "aiohttp",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures and the summary")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="On a terminal, also list checks that passed")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Check a CORS policy file: which origins must be allowed and which must be blocked."""
    from cors_doctor.cli import report_error
    from cors_doctor.ci.policy import PolicyError

    try:
        code = _ci(policy, concurrency, shard, json_output, junit_xml, insecure, cacert, transport,
                   quiet, verbose, no_color or bool(os.environ.get("NO_COLOR")))
    except PolicyError as exc:
        if debug:
            report_error(exc, debug)
        for problem in exc.problems:
            sys.stderr.write(f"cors-doctor: error: {problem}\n")
        code = EXIT_INVALID
    except KeyboardInterrupt:
        sys.stderr.write("cors-doctor: interrupted before the run ended; its reports are incomplete or missing\n")
        code = EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(code)


def _ci(policy_file, concurrency, shard_text, json_output, junit_xml, insecure, cacert, transport,
        quiet, verbose, no_color) -> int:
    from cors_doctor.errors import UsageError
    from cors_doctor.batch import TRANSPORTS
    from cors_doctor.ci.policy import load_policy, parse_shard

    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if transport not in TRANSPORTS:
        raise UsageError(f"unknown --transport {transport!r}; choose {' or '.join(TRANSPORTS)}")
    shard = parse_shard(shard_text) if shard_text is not None else None
    if cacert and not insecure:
        from cors_doctor.net._probe import ProbeOptions, _verify_setting

        _verify_setting(ProbeOptions(cacert=cacert))  # a bad bundle is a usage error, not an error per check
    policy = load_policy(policy_file)
    run = _Run(policy, shard, json_output, junit_xml, quiet, verbose, no_color)
    try:
        tally = run.execute(concurrency, transport, not insecure, cacert)
    except BaseException:
        run.abandon()
        raise
    return EXIT_OK if tally.ok else EXIT_FAILED


class _Run:
    """One run: cases in, outcomes out to every reporter, in case order."""

    def __init__(self, policy, shard, json_output, junit_xml, quiet, verbose, no_color) -> None:
        from cors_doctor.errors import UsageError
        from cors_doctor.ci.outcome import Tally
        from cors_doctor.render.ci.console import RunDisplay, wants_live_progress

        self.policy = policy
        self.shard = shard
        self.shard_label = str(shard) if shard else None
        self.json_output = json_output
        self.no_color = no_color
        self.total = shard.size(policy.case_count) if shard else policy.case_count
        self.tally = Tally.for_checks(policy.checks)
        self.display = RunDisplay(self.total, live=wants_live_progress(sys.stderr), quiet=quiet,
                                  verbose=verbose, no_color=no_color)
        self.junit = None
        if junit_xml:
            from cors_doctor.render.ci.junit import JUnitWriter

            properties = {"policy": policy.source, **({"shard": self.shard_label} if shard else {})}
            suite = f"cors-doctor: {policy.source}" + (f" (shard {self.shard_label})" if shard else "")
            try:
                self.junit = JUnitWriter(junit_xml, suite, policy.source, properties)
            except OSError as exc:
                raise UsageError(f"cannot write --junit-xml {junit_xml}: {exc.strerror or exc}") from None
        self.json = None
        if json_output:
            from cors_doctor.render.ci.json import JsonStream

            self.json = JsonStream(sys.stdout, policy.source, self.shard_label)
        self._cases: dict[int, object] = {}
        self._pending: dict[int, object] = {}
        self._next = 0

    def execute(self, concurrency: int, transport: str, verify: bool, cacert: str | None):
        import asyncio
        import gc
        import time

        from cors_doctor.batch import run_jobs_async

        # Everything imported so far lives until exit; keeping it out of the collector's scans
        # makes a long run about 10 % faster (measured in benchmarks/ci_throughput.py).
        gc.freeze()
        started = time.perf_counter()
        heading = f"cors-doctor ci: {self.total} check{'' if self.total == 1 else 's'} from {self.policy.source}"
        self.display.start(heading + (f" (shard {self.shard_label})" if self.shard else ""))
        try:
            asyncio.run(run_jobs_async(
                self._jobs(verify, cacert), concurrency, self._on_result, verify=verify, cacert=cacert,
                transport=transport, keep_results=False,
            ))
        finally:
            self.display.stop()
        self.tally.elapsed = time.perf_counter() - started
        self._finish()
        return self.tally

    def _jobs(self, verify: bool, cacert: str | None):
        """CheckJobs made as the workers ask for them, so memory does not grow with the policy."""
        from cors_doctor.errors import UsageError
        from cors_doctor.batch import CheckJob
        from cors_doctor.ci.outcome import judge
        from cors_doctor.plan import build_plan
        from cors_doctor.net._probe import ProbeOptions

        options = {
            c.number: ProbeOptions(timeout=c.timeout, verify=verify, cacert=cacert, send_actual=c.actual)
            for c in self.policy.checks
        }
        for sequence, case in enumerate(self.policy.cases(self.shard)):
            try:
                plan = build_plan(case.spec())
            except UsageError as exc:  # the policy was validated; this is one URL's own problem
                self._deliver(sequence, judge(case, None, exc))
                continue
            self._cases[sequence] = case
            yield CheckJob(str(sequence), plan, options[case.check.number])

    def _on_result(self, result) -> None:
        from cors_doctor.ci.outcome import judge

        sequence = int(result.key)
        case = self._cases.pop(sequence)
        self._deliver(sequence, judge(case, result.verdict, result.error, result.elapsed))

    def _deliver(self, sequence: int, outcome) -> None:
        """Hand outcomes to the reporters in case order (workers finish out of order)."""
        self._pending[sequence] = outcome
        while self._next in self._pending:
            ready = self._pending.pop(self._next)
            self._next += 1
            self.tally.add(ready)
            self.display.add(ready)
            if self.json is not None:
                self.json.add(ready)
            if self.junit is not None:
                self.junit.add(ready)

    def _finish(self) -> None:
        from cors_doctor.render.ci.console import print_summary

        if self.junit is not None:
            self.junit.close(self.tally)
        if self.json is not None:
            self.json.close(self.tally)
        print_summary(self.tally, self.shard_label, stream=sys.stderr if self.json_output else sys.stdout,
                      no_color=self.no_color)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            from cors_doctor.render.ci.markdown import append_step_summary, summary_markdown

            try:
                append_step_summary(summary_file, summary_markdown(self.tally, self.policy.source, self.shard_label))
            except OSError as exc:
                sys.stderr.write(f"cors-doctor: warning: cannot append to GITHUB_STEP_SUMMARY ({exc.strerror or exc})\n")
        if os.environ.get("GITHUB_ACTIONS") == "true" and not self.tally.ok:
            from cors_doctor.render.ci.github import annotations

            # With --json, stdout carries the JSON; the Actions runner reads workflow commands on stderr too.
            stream = sys.stderr if self.json_output else sys.stdout
            for line in annotations(self.tally, self.policy.source):
                stream.write(line + "\n")
            stream.flush()

    def abandon(self) -> None:
        if self.junit is not None:
            self.junit.discard()
