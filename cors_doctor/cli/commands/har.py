"""`cors-doctor har FILE`: judge every cross-origin request in a HAR export, blocked ones first.

Exit codes: 0 every cross-origin request in the HAR was allowed, 1 at least one was blocked or
failed in the browser, 2 the file cannot be read or is not a HAR (one line names what and where),
or an option is invalid.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command

EXAMPLES = """\b
Examples:
  cors-doctor har session.har
  cors-doctor har session.har --json | jq '.entries[] | select(.verdict == "blocked")'
  cors-doctor har session.har --live --concurrency 20
"""
_ORDER = ("blocked", "not-judged", "allowed")
_SPOOL = 1024 * 1024  # rows stay in memory up to this size per kind, then go to a temporary file


def har(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="A HAR export: DevTools 'Save all as HAR', Firefox, Playwright's recorder; '-' for stdin",
        ),
    ],
    json_output: options.Json = False,
    live: Annotated[
        bool, typer.Option("--live", help="Check the requests the HAR has no reply for against the live servers")
    ] = False,
    actual: options.Actual = False,
    concurrency: options.Concurrency = 10,
    timeout: options.Timeout = 10.0,
    insecure: options.Insecure = False,
    cacert: options.CaCert = None,
    browser: Annotated[
        str | None,
        typer.Option(
            "--browser",
            metavar="BROWSER",
            help="Judge as chrome, firefox or safari (default: the browser that wrote the HAR)",
        ),
    ] = None,
    show_secrets: options.ShowSecrets = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Judge every cross-origin request in a HAR file, offline; --live checks the ones it cannot."""
    request = HarRequest(file, browser, live, actual, concurrency)
    network = options.NetworkFlags(timeout, insecure, cacert)
    output = options.OutputFlags(json=json_output, show_secrets=show_secrets, no_color=no_color)
    run_command(lambda: _har(request, network, output), debug)


@dataclass(frozen=True)
class HarRequest:
    file: str
    browser: str | None
    live: bool
    actual: bool
    concurrency: int


def _open(file: str):
    from cors_doctor.errors import UsageError

    if file == "-":
        return sys.stdin.buffer, "<stdin>"
    try:
        return open(file, "rb"), file
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None


def _har(request: HarRequest, network: options.NetworkFlags, output: options.OutputFlags) -> int:
    import json
    import tempfile

    from cors_doctor.errors import UsageError

    options.check_concurrency(request.concurrency)
    send = network.send_options()
    if request.actual and not request.live:
        raise UsageError("--actual only makes sense with --live")
    browser = options.parse_browser(request.browser) if request.browser is not None else None
    from cors_doctor.har import HarJudge, HarReader

    spools = {kind: tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") for kind in _ORDER}
    stream, name = _open(request.file)
    try:

        def keep(row: dict) -> None:
            # the live key goes first on the line, so --json without --live copies the row as it is
            key = row["live"] or ""
            spools[row["verdict"]].write(f"{key}\t{json.dumps(row | {'live': None}, ensure_ascii=False)}\n")

        judge = HarJudge(
            HarReader(stream, name), keep, browser=browser, show_secrets=output.show_secrets, collect_live=request.live
        )
        summary = judge.run()
        results = None
        if request.live:
            from cors_doctor.batch import BatchOptions
            from cors_doctor.har import run_live

            batch = BatchOptions(concurrency=request.concurrency, transport="aiohttp")
            results = run_live(judge.live_jobs, actual=request.actual, batch=batch, send=send)

        def lines():
            """(live key, row as JSON text), blocked first."""
            for kind in _ORDER:
                spools[kind].seek(0)
                for line in spools[kind]:
                    key, _, text = line.rstrip("\n").partition("\t")
                    yield key, text

        code = ExitCode.BLOCKED if summary.blocked or summary.failed_in_browser else ExitCode.OK
        if output.json:
            from cors_doctor.render.har.json import write

            write(sys.stdout, name, lines(), summary, results)
        else:
            from cors_doctor.render.har.console import render

            rows = ((json.loads(text) | {"live": (results or {}).get(key) if key else None}) for key, text in lines())
            render(sys.stdout, name, rows, summary, results, request.live, color=output.color_on(sys.stdout))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        for spool in spools.values():
            spool.close()
    return code
