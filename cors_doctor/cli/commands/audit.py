"""`cors-doctor audit URL... [--origin TRUSTED]...`: find exploitable CORS misconfigurations.

Exit codes: 0 nothing at or above --fail-on (default medium), 1 such a finding, 2 usage error
or a URL that could not be audited (when nothing reached --fail-on).
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

FAIL_ON_CHOICES = ("high", "medium", "low", "info", "none")
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def audit(
    urls: Annotated[Optional[list[str]], typer.Argument(metavar="URL...", help="URLs to audit, e.g. https://api.example.com/me", show_default=False)] = None,
    origin: Annotated[Optional[list[str]], typer.Option("--origin", "-o", metavar="ORIGIN", help="An origin the API is meant to trust, e.g. https://app.example.com (repeatable; derived from the URL when omitted)")] = None,
    input_file: Annotated[Optional[str], typer.Option("--input", "-i", metavar="FILE", help="File with one URL per line ('-' reads stdin; blank lines and # comments are skipped)")] = None,
    header: Annotated[Optional[list[str]], typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="Extra header 'Name: value' for the GET probes, e.g. Authorization (repeatable)")] = None,
    cookie: Annotated[Optional[str], typer.Option("--cookie", "-b", metavar="COOKIE", help="Cookie header for the GET probes (a logged-in session shows what leaks)")] = None,
    preflight_method: Annotated[str, typer.Option("--preflight-method", metavar="METHOD", help="State-changing method named in the preflights (never sent itself)")] = "PUT",
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", metavar="N", help="Requests in flight at once, across all URLs")] = 10,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for each reply")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates")] = False,
    cacert: Annotated[Optional[str], typer.Option("--cacert", metavar="FILE", help="CA bundle (PEM) to verify TLS with")] = None,
    transport: Annotated[str, typer.Option("--transport", metavar="aiohttp|httpx", help="HTTP client under the probes: aiohttp (fast) or httpx")] = "aiohttp",
    fail_on: Annotated[str, typer.Option("--fail-on", metavar="SEVERITY", help="Exit 1 when a finding is at least this severe: high, medium, low, info or none")] = "medium",
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object (docs/audit.md)")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show evidence for info findings and every probe")] = False,
    show_secrets: Annotated[bool, typer.Option("--show-secrets", help="Do not mask Authorization and cookie values")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Probe URLs with forged origins and report exploitable CORS misconfigurations."""
    from cors_doctor.cli import report_error

    try:
        code = _audit(urls or [], origin or [], input_file, header or [], cookie, preflight_method, concurrency,
                      timeout, insecure, cacert, transport, fail_on, json_output, verbose, show_secrets, no_color)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        if isinstance(exc, KeyboardInterrupt):
            sys.stderr.write("cors-doctor: interrupted\n")
            code = EXIT_ERROR
        else:
            code = report_error(exc, debug)
    raise typer.Exit(code)


def read_urls(arguments: list[str], input_file: str | None) -> list[str]:
    """URLs from the arguments, then from --input (one per line), validated, duplicates dropped."""
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
                raise UsageError(f"--input {input_file}: {getattr(exc, 'strerror', None) or exc}") from None
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                urls.append(normalize_url(text))
            except UsageError as exc:
                raise UsageError(f"{name}:{number}: {exc}",
                                 hint="each line must be an absolute http(s) URL, e.g. https://api.example.com/me") from None
    if not urls:
        raise UsageError("no URL to audit: give URLs as arguments or with --input FILE")
    return list(dict.fromkeys(urls))


def _extra_headers(headers: list[str], cookie: str | None) -> tuple[tuple[str, str], ...]:
    from cors_doctor.errors import UsageError
    from cors_doctor.cli import parse_header_option

    out = []
    for text in headers:
        name, value = parse_header_option(text)
        if name.lower() in ("origin", "host") or name.lower().startswith("access-control-"):
            raise UsageError(f"--header {name}: the audit sets this header itself")
        if any(ch in value for ch in "\r\n\x00"):
            raise UsageError(f"--header {name}: the value contains CR, LF or NUL")
        out.append((name, value))
    if cookie:
        out.append(("Cookie", cookie))
    return tuple(out)


def exit_code(results, fail_on: str) -> int:
    """1 when a finding reaches --fail-on; else 2 when a URL could not be audited; else 0."""
    from cors_doctor.audit.model import severity_rank

    threshold = severity_rank(fail_on) if fail_on != "none" else 99
    if any(severity_rank(f.severity) >= threshold for r in results for f in r.findings):
        return EXIT_FOUND
    return EXIT_ERROR if any(r.error for r in results) else EXIT_CLEAN


def _audit(urls, origins, input_file, headers, cookie, preflight_method, concurrency, timeout, insecure, cacert,
           transport, fail_on, json_output, verbose, show_secrets, no_color) -> int:
    from cors_doctor.errors import UsageError
    from cors_doctor.audit.model import make_target
    from cors_doctor.rules.safelist import is_token

    fail_on = fail_on.strip().lower()
    if fail_on not in FAIL_ON_CHOICES:
        raise UsageError(f"unknown --fail-on {fail_on!r}; choose one of: {', '.join(FAIL_ON_CHOICES)}")
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if not is_token(preflight_method) or preflight_method.upper() in ("GET", "HEAD", "OPTIONS"):
        raise UsageError(f"--preflight-method {preflight_method!r}: give a state-changing method such as PUT or DELETE")
    extra = _extra_headers(headers, cookie)
    targets = [make_target(u, origins, extra, preflight_method) for u in read_urls(urls, input_file)]

    from functools import partial

    from cors_doctor.audit.run import audit

    run_audit = partial(audit, concurrency=concurrency, timeout=timeout, verify=not insecure, cacert=cacert,
                        transport=transport.strip().lower())

    if json_output:
        results = run_audit(targets)
        code = exit_code(results, fail_on)
        from cors_doctor.render.audit.json import render as render_json

        sys.stdout.write(render_json(results, fail_on, code, show_secrets) + "\n")
        return code

    import os

    from cors_doctor.render.audit.console import render_result, render_summary
    from cors_doctor.render.check.console import make_console

    console = make_console(no_color=no_color or bool(os.environ.get("NO_COLOR")))
    done: dict[int, object] = {}
    printed = 0

    def print_in_order(index: int, result) -> None:
        nonlocal printed
        done[index] = result
        while printed in done:
            render_result(console, done.pop(printed), verbose=verbose, show_secrets=show_secrets)
            printed += 1

    results = run_audit(targets, on_result=print_in_order)
    code = exit_code(results, fail_on)
    render_summary(console, results, fail_on, code)
    return code
