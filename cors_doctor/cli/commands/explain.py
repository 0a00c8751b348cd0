"""`cors-doctor explain MESSAGE`: explain a CORS error pasted from the browser console.

Exit codes: 0 every message was explained (with --run: every check allowed), 1 nothing in the
input is a CORS message cors-doctor knows (with --run: a check found the request still blocked),
2 usage error (with --run: a check could not be run or the server could not be reached).
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
  cors-doctor explain "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: ..."
  pbpaste | cors-doctor explain --framework fastapi
  cors-doctor explain --run < console.txt
"""
MAX_INPUT = 4 * 1024 * 1024


def explain(
    message: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[MESSAGE]...", help="The console error(s), as copied; read from stdin when omitted or '-'"
        ),
    ] = None,
    framework: options.Framework = None,
    run: Annotated[bool, typer.Option("--run", help="Run the reproducing `cors-doctor check` now")] = False,
    origin: Annotated[
        str | None,
        typer.Option(
            "--origin",
            "-o",
            metavar="ORIGIN",
            help="The page's origin, when the message does not name it (Firefox, some Safari lines)",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method", "-X", metavar="METHOD", help="The request's method, when the message does not name it"
        ),
    ] = None,
    actual: options.Actual = False,
    timeout: options.Timeout = 10.0,
    insecure: options.Insecure = False,
    json_output: options.Json = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Explain a CORS error pasted from the browser console, and give the check that reproduces it."""
    request = ExplainRequest(message or [], framework, origin, method)
    network = options.NetworkFlags(timeout, insecure)
    output = options.OutputFlags(json=json_output, no_color=no_color)
    run_command(lambda: _explain(request, run, actual, network, output), debug)


@dataclass(frozen=True)
class ExplainRequest:
    message: list[str]
    framework: str | None
    origin: str | None
    method: str | None


def _read_input(message: list[str] | None) -> str:
    from cors_doctor.errors import UsageError

    if message and message != ["-"]:
        return "\n".join(message)
    if sys.stdin is None:
        raise UsageError("no console message given: pass it as an argument or on stdin")
    if sys.stdin.isatty():
        sys.stderr.write("Paste the console error, then press Ctrl-D on an empty line:\n")
    text = sys.stdin.read(MAX_INPUT + 1)
    if len(text) > MAX_INPUT:
        raise UsageError(f"the input is larger than {MAX_INPUT // (1024 * 1024)} MB; paste only the console lines")
    if not text.strip():
        raise UsageError("no console message given: pass it as an argument or on stdin")
    return text


def _validate(request: ExplainRequest) -> str | None:
    """The page origin, normalised; the method checked for being an HTTP token."""
    from cors_doctor.errors import UsageError

    origin = request.origin
    if origin is not None:
        from cors_doctor.origin import parse_origin

        origin = parse_origin(origin).serialize()
    if request.method is not None:
        from cors_doctor.rules.safelist import is_token

        if not is_token(request.method):
            raise UsageError(f"invalid --method {options.echo(request.method)}: a method must be an HTTP token")
    return origin


def _explain(
    request: ExplainRequest, run: bool, actual: bool, network: options.NetworkFlags, output: options.OutputFlags
) -> int:
    from cors_doctor.explain import explain as explain_text
    from cors_doctor.explain import framework_fix

    origin = _validate(request)
    send = network.send_options()
    result = explain_text(_read_input(request.message), origin=origin, method=request.method)
    framework = options.parse_framework(request.framework)
    fixes = {}
    if framework is not None:
        fixes = {i: fix for i, e in enumerate(result.explained) if (fix := framework_fix(e, framework)) is not None}
    console = None
    if not output.json:
        from cors_doctor.render import make_console
        from cors_doctor.render.explain.console import render

        console = make_console(no_color=not output.color)
        render(console, result, fixes)
    code, runs = ExitCode.OK, {}
    if not result.explained:
        code = ExitCode.BLOCKED
    elif run:
        code, runs = _run_checks(result, console, framework, actual, send, output)
    if output.json:
        from cors_doctor.render.explain.json import render as render_json

        sys.stdout.write(render_json(result, fixes, runs) + "\n")
    return code


def _run_checks(result, console, framework: str | None, actual: bool, send, output: options.OutputFlags):
    """Run each reproducing check through the check pipeline; the worst exit code wins."""
    from cors_doctor.cli.commands.check import exit_code, show
    from cors_doctor.cli.run import report_error, write_error
    from cors_doctor.errors import CorsDoctorError
    from cors_doctor.pipeline import CheckOptions, run_check

    worst, runs = ExitCode.OK, {}
    for index, e in enumerate(result.explained):
        if e.check is None:
            continue
        problem = None
        if not e.check.origin:
            problem = "the message does not name the page's origin: pass --origin ORIGIN"
        elif e.check.actual and not actual:
            problem = f"this check sends the {e.check.method} itself: pass --actual to allow it"
        if problem is not None:
            write_error(f"cannot run check {index + 1}: {problem}")
            runs[index] = {"exit_code": int(ExitCode.USAGE), "error": problem, "result": None}
            worst = max(worst, ExitCode.USAGE)
            continue
        if console is not None:
            from cors_doctor.render.escape import markup

            console.rule(f"[bold]{index + 1}. {markup(e.check.shell())}[/]")
        try:
            diagnosis = run_check(e.check.spec(), send, CheckOptions(actual=e.check.actual, framework=framework))
        except CorsDoctorError as exc:
            code = report_error(exc, debug=False)
            runs[index] = {"exit_code": int(code), "error": str(exc), "result": None}
            worst = max(worst, code)
            continue
        code = exit_code(diagnosis)
        if console is not None:
            show(diagnosis, output)
            console.print()
        else:
            from cors_doctor.render.check.json import verdict_dict

            runs[index] = {
                "exit_code": int(code),
                "result": verdict_dict(diagnosis.verdict, diagnosis.fix, output.show_secrets, diagnosis.framework),
            }
        worst = max(worst, code)
    return worst, runs
