"""`cors-doctor demo [--serve]`: the tool at work on a built-in loopback API.

Each endpoint is checked through the same pipeline as `cors-doctor check`, with exactly the
options of the command printed above it, so running that command by hand (against
`demo --serve`) shows the same findings.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command

EXAMPLES = """\b
Examples:
  cors-doctor demo
  cors-doctor demo --serve --port 8765   # keep the API running; run the printed commands by hand
"""


def demo(
    serve: Annotated[
        bool, typer.Option("--serve", help="Keep the demo API running (until Ctrl-C) and print its URL")
    ] = False,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="With --serve: the port on 127.0.0.1 (default: a free one)")
    ] = 0,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Check a built-in loopback API with the classic CORS mistakes, one by one."""
    output = options.OutputFlags(verbose=verbose, no_color=no_color)
    run_command(lambda: run_serve(port, output) if serve else run(output), debug)


def run(output: options.OutputFlags) -> int:
    """Check every demo endpoint; exit 0 when each verdict is the one the demo expects."""
    from cors_doctor.cli.commands.check import show
    from cors_doctor.demo import CASES, DEMO_ORIGIN, DemoServer, demo_check
    from cors_doctor.net import SendOptions
    from cors_doctor.pipeline import CheckOptions, run_check
    from cors_doctor.render import make_console
    from cors_doctor.render.escape import markup as escape

    console = make_console(no_color=not output.color)
    as_expected = 0
    with DemoServer() as server:
        console.print(
            f"[bold]cors-doctor demo[/]: a small API on {server.base_url}, called by a page at {DEMO_ORIGIN}\n"
        )
        for number, case in enumerate(CASES, 1):
            command = demo_check(case, server.base_url)
            console.rule(f"[bold]{number}/{len(CASES)} {case.title}")
            console.print(f"[dim]$ {escape(command.shell())}[/]\n")
            diagnosis = run_check(command.spec(), SendOptions(timeout=5.0), CheckOptions(actual=command.actual))
            show(diagnosis, output)
            console.print()
            as_expected += diagnosis.verdict.allowed == case.expect_allowed
    console.rule()
    console.print(
        f"{as_expected}/{len(CASES)} endpoints behaved as the demo expects "
        "(five blocked for the reasons shown, one allowed)."
    )
    console.print("Keep the API running with [bold]cors-doctor demo --serve[/] and try the commands yourself.")
    return ExitCode.OK if as_expected == len(CASES) else ExitCode.BLOCKED


def run_serve(port: int, output: options.OutputFlags) -> int:
    """Serve the demo API until interrupted, listing the commands to try against it."""
    import threading

    from cors_doctor.demo import CASES, DemoServer, demo_check
    from cors_doctor.errors import UsageError

    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {port}")
    try:
        server = DemoServer(port)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    with server:
        sys.stdout.write(f"cors-doctor demo API on {server.base_url} (Ctrl-C stops it)\n\nTry:\n")
        for case in CASES:
            sys.stdout.write(f"  {demo_check(case, server.base_url).shell()}\n")
        sys.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.stderr.write("cors-doctor: demo API stopped\n")
    return ExitCode.OK
