"""`cors-doctor ci POLICY.toml`: check every entry of a policy file, for CI pipelines.

Exit codes: 0 every expectation held; 1 an expectation failed or a target could not be checked
(unreachable, timeout, broken HTTP: the policy was not shown to hold, and no check is silently
skipped); 2 the policy file or an option is invalid (nothing was sent).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command

if TYPE_CHECKING:
    from cors_doctor.batch import BatchOptions, CheckJob, CheckResult
    from cors_doctor.ci import Case, Outcome, Policy, Shard, Tally
    from cors_doctor.net import SendOptions

EXAMPLES = """\b
Examples:
  cors-doctor init https://api.example.com/items --origin https://app.example.com
  cors-doctor ci cors-policy.toml
  cors-doctor ci cors-policy.toml --shard 2/4 --junit-xml cors.xml
  cors-doctor ci cors-policy.toml --format sarif > cors.sarif
"""
FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


def ci(
    policy: Annotated[
        str,
        typer.Argument(
            metavar="POLICY", help="Policy file (TOML), e.g. cors-policy.toml; `cors-doctor init` writes one"
        ),
    ],
    concurrency: options.Concurrency = 20,
    shard: options.Shard = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="|".join(FORMATS),
            help="What stdout carries: the console report, or one report for tools (progress and the summary go to stderr)",
        ),
    ] = "text",
    json_output: options.JsonShort = False,
    junit_xml: Annotated[
        str | None,
        typer.Option(
            "--junit-xml", metavar="FILE", help="Write a JUnit XML report (GitLab, Jenkins, GitHub test reporters)"
        ),
    ] = None,
    insecure: options.Insecure = False,
    cacert: options.CaCert = None,
    transport: options.Transport = "aiohttp",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures and the summary")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="On a terminal, also list checks that passed")
    ] = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Check a CORS policy file: which origins must be allowed and which must be blocked."""
    batch = options.BatchFlags(concurrency, transport)
    network = options.NetworkFlags(insecure=insecure, cacert=cacert)

    def command() -> int:
        fmt = options.output_format(output_format, json_output, FORMATS)
        run = CiRequest(policy, shard, junit_xml, quiet, fmt)
        output = options.OutputFlags(json=fmt == "json", verbose=verbose, no_color=no_color)
        return _ci(run, batch, network, output)

    run_command(command, debug)


@dataclass(frozen=True)
class CiRequest:
    policy: str
    shard: str | None
    junit_xml: str | None
    quiet: bool
    output_format: str = "text"


def _ci(
    request: CiRequest, flags: options.BatchFlags, network: options.NetworkFlags, output: options.OutputFlags
) -> int:
    from cors_doctor.ci import load_policy, parse_shard

    batch = flags.batch_options(keep_results=False)
    shard = parse_shard(request.shard) if request.shard is not None else None
    options.check_output_path("--junit-xml", request.junit_xml)
    send = network.send_options()  # validates --cacert before anything is sent
    policy = load_policy(request.policy)
    run = _Run(policy, shard, request, output)
    try:
        tally = run.execute(batch, send)
    except BaseException:
        run.abandon()
        raise
    return ExitCode.OK if tally.ok else ExitCode.BLOCKED


class _Run:
    """One run: cases in, outcomes out to every reporter, in case order."""

    def __init__(self, policy: Policy, shard: Shard | None, request: CiRequest, output: options.OutputFlags) -> None:
        from cors_doctor.ci import Tally
        from cors_doctor.errors import UsageError
        from cors_doctor.render.ci.console import RunDisplay, wants_live_progress

        self.policy = policy
        self.shard = shard
        self.shard_label = str(shard) if shard else None
        self.json_output = request.output_format != "text"  # stdout carries a report: the summary goes to stderr
        self.no_color = not output.color
        self.total = shard.size(policy.case_count) if shard else policy.case_count
        self.tally = Tally.for_checks(policy.checks)
        self.display = RunDisplay(
            self.total,
            live=wants_live_progress(sys.stderr),
            quiet=request.quiet,
            verbose=output.verbose,
            no_color=self.no_color,
        )
        self.junit = None
        junit_xml = request.junit_xml
        if junit_xml:
            from cors_doctor.render.ci.junit import JUnitWriter

            properties = {"policy": policy.source} | ({"shard": self.shard_label} if self.shard_label else {})
            suite = f"cors-doctor: {policy.source}" + (f" (shard {self.shard_label})" if shard else "")
            try:
                self.junit = JUnitWriter(junit_xml, suite, policy.source, properties)
            except OSError as exc:
                raise UsageError(f"cannot write --junit-xml {junit_xml}: {exc.strerror or exc}") from None
        from cors_doctor.render.ci.stdout import stdout_report

        self.json = stdout_report(request.output_format, sys.stdout, policy.source, self.shard_label)
        self._cases: dict[int, Case] = {}
        self._pending: dict[int, Outcome] = {}
        self._next = 0

    def execute(self, batch: BatchOptions, send: SendOptions) -> Tally:
        import asyncio
        import gc
        import time

        from cors_doctor.batch import run_jobs_async

        # Everything imported so far lives until exit; keeping it out of the collector's scans
        # makes a long run about 10 % faster (measured in benchmarks/ci_throughput.py).
        client = self._application_sender()  # before any output: a bad import string is a usage error
        gc.freeze()
        started = time.perf_counter()
        heading = f"cors-doctor ci: {self.total} check{'' if self.total == 1 else 's'} from {self.policy.source}"
        self.display.start(heading + (f" (shard {self.shard_label})" if self.shard else ""))
        try:
            asyncio.run(run_jobs_async(self._jobs(send), batch, self._on_result, client=client))
        finally:
            self.display.stop()
        self.tally.elapsed = time.perf_counter() - started
        self._finish()
        return self.tally

    def _application_sender(self) -> object | None:
        """With `app = "main:app"` in the policy, every check goes to that application in-process;
        `app_dir` (default: the policy file's directory) is put first on the module search path."""
        if self.policy.app is None:
            return None
        from cors_doctor.app_import import import_app
        from cors_doctor.net import in_process_sender

        policy_dir = os.path.dirname(os.path.abspath(self.policy.source))
        app_dir = os.path.join(policy_dir, self.policy.app_dir or ".")
        return in_process_sender(import_app(self.policy.app, app_dir))

    def _jobs(self, send: SendOptions) -> Iterator[CheckJob]:
        """CheckJobs made as the workers ask for them, so memory does not grow with the policy."""
        import dataclasses

        from cors_doctor.batch import CheckJob
        from cors_doctor.ci import judge
        from cors_doctor.errors import UsageError
        from cors_doctor.pipeline import CheckOptions, prepare

        per_check = {
            c.number: (dataclasses.replace(send, timeout=c.timeout), CheckOptions(actual=c.actual))
            for c in self.policy.checks
        }
        for sequence, case in enumerate(self.policy.cases(self.shard)):
            check_send, check_options = per_check[case.check.number]
            try:
                plan = prepare(case.spec(), check_options)
            except UsageError as exc:  # the policy was validated; this is one URL's own problem
                self._deliver(sequence, judge(case, None, exc))
                continue
            self._cases[sequence] = case
            yield CheckJob(str(sequence), plan, check_send, check_options)

    def _on_result(self, result: CheckResult) -> None:
        from cors_doctor.ci import judge

        sequence = int(result.key)
        case = self._cases.pop(sequence)
        self._deliver(sequence, judge(case, result.verdict, result.error, result.elapsed))

    def _deliver(self, sequence: int, outcome: Outcome) -> None:
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
        print_summary(
            self.tally, self.shard_label, stream=sys.stderr if self.json_output else sys.stdout, no_color=self.no_color
        )
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            from cors_doctor.render.ci.markdown import append_step_summary, summary_markdown

            try:
                append_step_summary(summary_file, summary_markdown(self.tally, self.policy.source, self.shard_label))
            except OSError as exc:
                sys.stderr.write(
                    f"cors-doctor: warning: cannot append to GITHUB_STEP_SUMMARY ({exc.strerror or exc})\n"
                )
        if os.environ.get("GITHUB_ACTIONS") == "true" and not self.tally.ok:
            from cors_doctor.render.ci.github import workflow_commands

            # With --json, stdout carries the JSON; the Actions runner reads workflow commands on stderr too.
            stream = sys.stderr if self.json_output else sys.stdout
            for line in workflow_commands(self.tally, self.policy.source):
                stream.write(line + "\n")
            stream.flush()

    def abandon(self) -> None:
        if self.junit is not None:
            self.junit.discard()
        if self.json is not None:
            self.json.discard()
