"""`cors-doctor har FILE`: judge every cross-origin request in a HAR export, blocked ones first.

Exit codes: 0 every cross-origin request in the HAR was allowed, 1 at least one was blocked or
failed in the browser, 2 the file cannot be read or is not a HAR (one line names what and where),
or an option is invalid.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

EXIT_ALL_ALLOWED, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2
_ORDER = ("blocked", "not-judged", "allowed")
_SPOOL = 1024 * 1024  # rows stay in memory up to this size per kind, then go to a temporary file


def har(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A HAR export: DevTools 'Save all as HAR', Firefox, Playwright's recorder; '-' for stdin")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object (docs/har.md)")] = False,
    live: Annotated[bool, typer.Option("--live", help="Check the requests the HAR has no reply for against the live servers")] = False,
    actual: Annotated[bool, typer.Option("--actual", help="With --live: also send requests whose method is not GET/HEAD (they may change data)")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="With --live: checks in flight at once")] = 10,
    timeout: Annotated[float, typer.Option("--timeout", help="With --live: seconds to wait for each reply")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="With --live: do not verify TLS certificates")] = False,
    cacert: Annotated[Optional[str], typer.Option("--cacert", help="With --live: CA bundle (PEM) to verify TLS with")] = None,
    browser: Annotated[Optional[str], typer.Option("--browser", help="Judge as chrome, firefox or safari (default: the browser that wrote the HAR)")] = None,
    show_secrets: Annotated[bool, typer.Option("--show-secrets", help="Do not mask Authorization and cookie values")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Judge every cross-origin request in a HAR file, offline; --live checks the ones it cannot."""
    from cors_doctor.cli import report_error

    try:
        code = _har(file, json_output, live, actual, concurrency, timeout, insecure, cacert, browser,
                    show_secrets, no_color)
    except KeyboardInterrupt:
        sys.stderr.write("cors-doctor: interrupted\n")
        code = 130
    except Exception as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(code)


def _open(file: str):
    from cors_doctor.errors import UsageError

    if file == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(file, "rb"), file  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None


def _use_color(no_color: bool) -> bool:
    import os

    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _har(file, json_output, live, actual, concurrency, timeout, insecure, cacert, browser, show_secrets, no_color) -> int:
    import json
    import tempfile

    from cors_doctor.errors import UsageError

    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if actual and not live:
        raise UsageError("--actual only makes sense with --live")
    if browser is not None:
        from cors_doctor.cli import parse_browser

        browser = parse_browser(browser)
    from cors_doctor.har.judge import HarJudge
    from cors_doctor.har.stream import HarReader

    spools = {kind: tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") for kind in _ORDER}
    stream, name = _open(file)
    try:
        def keep(row: dict) -> None:
            # the live key goes first on the line, so --json without --live copies the row as it is
            key = row["live"] or ""
            spools[row["verdict"]].write(f"{key}\t{json.dumps(row | {'live': None}, ensure_ascii=False)}\n")

        judge = HarJudge(HarReader(stream, name), keep, browser=browser, show_secrets=show_secrets,  # type: ignore[arg-type]
                         collect_live=live)
        summary = judge.run()
        results = None
        if live:
            from cors_doctor.har.live import run_live

            results = run_live(judge.live_jobs, actual=actual, concurrency=concurrency, timeout=timeout,
                               verify=not insecure, cacert=cacert)

        def lines():
            """(live key, row as JSON text), blocked first."""
            for kind in _ORDER:
                spools[kind].seek(0)
                for line in spools[kind]:
                    key, _, text = line.rstrip("\n").partition("\t")
                    yield key, text

        code = EXIT_BLOCKED if summary.blocked or summary.failed_in_browser else EXIT_ALL_ALLOWED
        try:
            if json_output:
                from cors_doctor.render.har.json import write

                write(sys.stdout, name, lines(), summary, results)
            else:
                from cors_doctor.render.har.console import render

                rows = ((json.loads(text) | {"live": (results or {}).get(key) if key else None}) for key, text in lines())
                render(sys.stdout, name, rows, summary, results, live, color=_use_color(no_color))
            sys.stdout.flush()
        except BrokenPipeError:  # `cors-doctor har big.har | head`: the reader has seen enough
            _silence_stdout()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        for spool in spools.values():
            spool.close()
    return code


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
