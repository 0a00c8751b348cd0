"""`cors-doctor explain MESSAGE`: explain a CORS error pasted from the browser console.

Exit codes: 0 every message was explained (with --run: every check allowed), 1 nothing in the
input is a CORS message cors-doctor knows (with --run: a check found the request still blocked),
2 usage error (with --run: a check could not be run or the server could not be reached).
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

EXIT_EXPLAINED, EXIT_UNRECOGNISED, EXIT_ERROR = 0, 1, 2
MAX_INPUT = 4 * 1024 * 1024


def explain(
    message: Annotated[Optional[list[str]], typer.Argument(
        metavar="[MESSAGE]...", help="The console error(s), as copied; read from stdin when omitted or '-'")] = None,
    framework: Annotated[Optional[str], typer.Option(
        "--framework", help="Show the fix for this framework: fastapi, flask, django, express, nginx, apache, "
                            "caddy, spring, aspnet, go")] = None,
    run: Annotated[bool, typer.Option("--run", help="Run the reproducing `cors-doctor check` now")] = False,
    origin: Annotated[Optional[str], typer.Option(
        "--origin", "-o", help="The page's origin, when the message does not name it (Firefox, some Safari lines)")] = None,
    method: Annotated[Optional[str], typer.Option(
        "--method", "-X", help="The request's method, when the message does not name it")] = None,
    actual: Annotated[bool, typer.Option(
        "--actual", help="With --run: allow sending the request itself when its method is not GET/HEAD")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="With --run: seconds to wait for each reply")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="With --run: do not verify TLS certificates")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object (docs/explain.md)")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Explain a CORS error pasted from the browser console, and give the check that reproduces it."""
    from cors_doctor.cli import report_error

    try:
        code = _explain(message, framework, run, origin, method, actual, timeout, insecure, json_output, no_color)
    except Exception as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(code)


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


def _validate(framework: str | None, origin: str | None, method: str | None, timeout: float) -> tuple[str | None, str | None]:
    from cors_doctor.errors import UsageError

    if framework is not None:
        from cors_doctor.fixes import FRAMEWORKS, resolve_framework

        name = resolve_framework(framework)
        if name is None:
            raise UsageError(f"unknown --framework {framework!r}; choose one of: {', '.join(FRAMEWORKS)}")
        framework = name
    if origin is not None:
        from cors_doctor.origin import parse_origin

        origin = parse_origin(origin).serialize()
    if method is not None:
        from cors_doctor.rules.safelist import is_token

        if not is_token(method):
            raise UsageError(f"invalid --method {method!r}: a method must be an HTTP token")
    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    return framework, origin


def _explain(message, framework, run, origin, method, actual, timeout, insecure, json_output, no_color) -> int:
    import os

    from cors_doctor.explain.recognise import explain as explain_text
    from cors_doctor.explain.recognise import framework_fix

    framework, origin = _validate(framework, origin, method, timeout)
    result = explain_text(_read_input(message), origin=origin, method=method)
    fixes = {}
    if framework is not None:
        fixes = {i: fix for i, e in enumerate(result.explained) if (fix := framework_fix(e, framework)) is not None}
    color = not no_color and not os.environ.get("NO_COLOR")
    console = None
    if not json_output:
        from cors_doctor.render.check.console import make_console
        from cors_doctor.render.explain.console import render

        console = make_console(no_color=not color)
        render(console, result, fixes)
    if not result.explained:
        if json_output:
            from cors_doctor.render.explain.json import render as render_json

            sys.stdout.write(render_json(result, fixes, {}) + "\n")
        return EXIT_UNRECOGNISED
    code, runs = EXIT_EXPLAINED, {}
    if run:
        code, runs = _run_checks(result, console, framework, actual, timeout, insecure, color)
    if json_output:
        from cors_doctor.render.explain.json import render as render_json

        sys.stdout.write(render_json(result, fixes, runs) + "\n")
    return code


def _run_checks(result, console, framework, actual, timeout, insecure, color) -> tuple[int, dict[int, dict]]:
    """Run each reproducing check through the `check` command itself; the worst exit code wins."""
    import contextlib
    import io
    import json

    from typer.main import get_command

    from cors_doctor.cli import app

    command = get_command(app)
    worst, runs = EXIT_EXPLAINED, {}
    for index, e in enumerate(result.explained):
        if e.check is None:
            continue
        problem = None
        if not e.check.origin:
            problem = "the message does not name the page's origin: pass --origin ORIGIN"
        elif e.check.actual and not actual:
            problem = f"this check sends the {e.check.method} itself: pass --actual to allow it"
        if problem is not None:
            sys.stderr.write(f"cors-doctor: error: cannot run check {index + 1}: {problem}\n")
            runs[index] = {"exit_code": EXIT_ERROR, "error": problem, "result": None}
            worst = max(worst, EXIT_ERROR)
            continue
        args = e.check.argv()[2:] + ["--timeout", str(timeout)]
        args += ["--insecure"] if insecure else []
        args += ["--framework", framework] if framework else []
        args += [] if color else ["--no-color"]
        if console is not None:
            console.rule(f"[bold]{index + 1}. {e.check.shell()}[/]")
            code = command.main(args=["check", *args], prog_name="cors-doctor", standalone_mode=False)
            console.print()
        else:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = command.main(args=["check", *args, "--json"], prog_name="cors-doctor", standalone_mode=False)
            text = out.getvalue().strip()
            runs[index] = {"exit_code": code, "result": json.loads(text) if text else None}
        worst = max(worst, int(code or 0))
    return worst, runs
