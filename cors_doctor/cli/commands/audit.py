"""`cors-doctor audit URL... [--origin TRUSTED]...`: find exploitable CORS misconfigurations.

Exit codes: 0 nothing at or above --fail-on (default medium), 1 such a finding, 2 usage error
or a URL that could not be audited (when nothing reached --fail-on).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command

if TYPE_CHECKING:
    from cors_doctor.audit import AuditResult

FAIL_ON_CHOICES = ("high", "medium", "low", "info", "none")
FORMATS = ("text", "json", "sarif")
EXAMPLES = """\b
Examples:
  cors-doctor audit https://api.example.com/me --origin https://app.example.com
  cors-doctor audit --targets-file hosts.txt --json > audit.json
  cors-doctor audit --targets-file hosts.txt --shard 3/20 --format sarif > audit-3.sarif
  cors-doctor audit https://api.example.com/me -o https://app.example.com -H 'Authorization: Bearer TOKEN'
"""


def audit(
    urls: Annotated[
        list[str] | None,
        typer.Argument(metavar="URL...", help="URLs to audit, e.g. https://api.example.com/me", show_default=False),
    ] = None,
    origin: Annotated[
        list[str] | None,
        typer.Option(
            "--origin",
            "-o",
            metavar="ORIGIN",
            help="An origin the API is meant to trust, e.g. https://app.example.com (repeatable; derived from the URL when omitted)",
        ),
    ] = None,
    input_file: Annotated[
        str | None,
        typer.Option(
            "--targets-file",
            "--input",
            "-i",
            metavar="FILE",
            help="File with one URL per line ('-' reads stdin; blank lines and # comments are skipped)",
        ),
    ] = None,
    shard: options.Shard = None,
    header: Annotated[
        list[str] | None,
        typer.Option(
            "--header",
            "-H",
            metavar="'NAME: VALUE'",
            help="Extra header 'Name: value' for the GET probes, e.g. Authorization (repeatable)",
        ),
    ] = None,
    cookie: Annotated[
        str | None,
        typer.Option(
            "--cookie",
            "-b",
            metavar="COOKIE",
            help="Cookie header for the GET probes (a logged-in session shows what leaks)",
        ),
    ] = None,
    preflight_method: Annotated[
        str,
        typer.Option(
            "--preflight-method",
            metavar="METHOD",
            help="State-changing method named in the preflights (never sent itself)",
        ),
    ] = "PUT",
    concurrency: options.Concurrency = 10,
    timeout: options.Timeout = 10.0,
    insecure: options.Insecure = False,
    cacert: options.CaCert = None,
    transport: options.Transport = "aiohttp",
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            help="Exit 1 when a finding is at least this severe: high, medium, low, info or none",
        ),
    ] = "medium",
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="|".join(FORMATS),
            help="What stdout carries: the console report, one JSON object or a SARIF 2.1.0 log for code scanning",
        ),
    ] = "text",
    json_output: options.JsonShort = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show evidence for info findings and every probe")
    ] = False,
    show_secrets: options.ShowSecrets = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Probe URLs with forged origins and report exploitable CORS misconfigurations."""
    flags = options.BatchFlags(concurrency, transport)
    network = options.NetworkFlags(timeout, insecure, cacert)

    def command() -> int:
        fmt = options.output_format(output_format, json_output, FORMATS)
        request = AuditRequest(
            urls or [], origin or [], input_file, header or [], cookie, preflight_method, fail_on, shard, fmt
        )
        output = options.OutputFlags(fmt == "json", verbose, show_secrets, no_color)
        return _audit(request, flags, network, output)

    run_command(command, debug)


@dataclass(frozen=True)
class AuditRequest:
    urls: list[str]
    origins: list[str]
    input_file: str | None
    headers: list[str]
    cookie: str | None
    preflight_method: str
    fail_on: str
    shard: str | None = None
    output_format: str = "text"


def read_urls(arguments: list[str], input_file: str | None, shard_text: str | None = None) -> list[str]:
    """URLs from the arguments, then from --targets-file (one per line), validated, duplicates
    dropped; with --shard K/N, only the K-th of every N of them, in that order (as `ci` splits)."""
    from cors_doctor.errors import UsageError
    from cors_doctor.origin import normalize_url

    urls = [normalize_url(u) for u in arguments]
    if input_file is not None:
        if input_file == "-":
            lines, name = sys.stdin.read().splitlines(), "stdin"
        else:
            try:
                with open(input_file, encoding="utf-8") as handle:
                    lines, name = handle.read().splitlines(), input_file
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--targets-file {input_file}: {getattr(exc, 'strerror', None) or exc}") from None
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                urls.append(normalize_url(text))
            except UsageError as exc:
                raise UsageError(
                    f"{name}:{number}: {exc}",
                    hint="each line must be an absolute http(s) URL, e.g. https://api.example.com/me",
                ) from None
    if not urls:
        raise UsageError("no URL to audit: give URLs as arguments or with --targets-file FILE")
    unique = list(dict.fromkeys(urls))
    if shard_text is None:
        return unique
    from cors_doctor.ci import parse_shard

    shard = parse_shard(shard_text)
    return [u for i, u in enumerate(unique) if i % shard.total == shard.index - 1]


def _extra_headers(headers: list[str], cookie: str | None) -> tuple[tuple[str, str], ...]:
    from cors_doctor.errors import UsageError

    out = []
    for text in headers:
        name, value = options.parse_header(text)
        if name.lower() in ("origin", "host") or name.lower().startswith("access-control-"):
            raise UsageError(f"--header {name}: the audit sets this header itself")
        if any(ch in value for ch in "\r\n\x00"):
            raise UsageError(f"--header {name}: the value contains CR, LF or NUL")
        out.append((name, value))
    if cookie:
        out.append(("Cookie", cookie))
    return tuple(out)


def report_unreachable(results: list[AuditResult]) -> None:
    """One `cors-doctor: error:` line on stderr per URL that could not be audited."""
    from cors_doctor.cli.run import write_error

    for r in results:
        if r.error is not None:
            write_error(f"{r.url}: not audited: {r.error}")


def exit_code(results: list[AuditResult], fail_on: str) -> ExitCode:
    """1 when a finding reaches --fail-on; else 2 when a URL could not be audited; else 0."""
    from cors_doctor.audit.model import severity_rank

    threshold = severity_rank(fail_on) if fail_on != "none" else 99
    if any(severity_rank(f.severity) >= threshold for r in results for f in r.findings):
        return ExitCode.BLOCKED
    return ExitCode.USAGE if any(r.error for r in results) else ExitCode.OK


def _audit(
    request: AuditRequest, flags: options.BatchFlags, network: options.NetworkFlags, output: options.OutputFlags
) -> int:
    from cors_doctor.audit import audit, make_target
    from cors_doctor.errors import UsageError
    from cors_doctor.rules.safelist import is_token

    fail_on = request.fail_on.strip().lower()
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(f"unknown --fail-on {options.echo(fail_on)}; choose one of: {', '.join(FAIL_ON_CHOICES)}")
    batch = flags.batch_options()
    send = network.send_options()
    method = request.preflight_method
    if not is_token(method) or method.upper() in ("GET", "HEAD", "OPTIONS"):
        raise UsageError(
            f"--preflight-method {options.echo(method)}: give a state-changing method such as PUT or DELETE"
        )
    extra = _extra_headers(request.headers, request.cookie)
    urls = read_urls(request.urls, request.input_file, request.shard)
    targets = [make_target(u, request.origins, extra, method) for u in urls]

    if request.output_format == "json":
        results = audit(targets, batch, send)
        report_unreachable(results)
        code = exit_code(results, fail_on)
        from cors_doctor.render.audit.json import render as render_json

        sys.stdout.write(render_json(results, fail_on, code, output.show_secrets) + "\n")
        return code
    if request.output_format == "sarif":
        results = audit(targets, batch, send)
        code = exit_code(results, fail_on)
        from cors_doctor.render.audit.sarif import render_audit

        report_unreachable(results)
        sys.stdout.write(render_audit(results, code, output.show_secrets) + "\n")
        return code

    from cors_doctor.render import make_console
    from cors_doctor.render.audit.console import render_result, render_summary
    from cors_doctor.render.audit.progress import AuditProgress
    from cors_doctor.render.ci.console import wants_live_progress

    console = make_console(no_color=not output.color)
    done: dict[int, AuditResult] = {}
    printed = 0

    def print_in_order(index: int, result: AuditResult) -> None:
        nonlocal printed
        done[index] = result
        while printed in done:
            render_result(console, done.pop(printed), verbose=output.verbose, show_secrets=output.show_secrets)
            printed += 1

    if len(targets) > 1 and wants_live_progress(sys.stderr):
        with AuditProgress(len(targets), no_color=not output.color) as progress:

            def show(index: int, result: AuditResult) -> None:
                print_in_order(index, result)
                progress.add(result)

            results = audit(targets, batch, send, show)
    else:
        results = audit(targets, batch, send, print_in_order)
    report_unreachable(results)
    code = exit_code(results, fail_on)
    render_summary(console, results, fail_on, code)
    return code
