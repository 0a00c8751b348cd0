"""The command line: parse options, call the core, render. No CORS rules live here.

`main` finds the command in the registry, builds a typer app holding only that command, and
runs it; every command module is thin (options in, `pipeline`/feature call, `render` out) and
ends in `run.run_command`, which owns the exit codes.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from cors_doctor.cli.registry import COMMANDS, build_app, closest, root_help
from cors_doctor.cli.run import ExitCode, write_error

__all__ = ["ExitCode", "main"]

_COMPLETION_FLAGS = ("--install-completion", "--show-completion")


def _command_name(args: list[str]) -> str | None:
    return next((arg for arg in args if not arg.startswith("-")), None)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: command-line mistakes become one `cors-doctor: error:` line and exit 2."""
    args = sys.argv[1:] if argv is None else list(argv)
    # The command line runs on asyncio only; httpcore imports trio whenever it is installed
    # (~140 ms of start-up, measured with -X importtime), so this process does without it.
    sys.modules.setdefault("trio", None)  # type: ignore[arg-type]
    if args in (["--help"], ["-h"]):
        sys.stdout.write(root_help())
        raise SystemExit(ExitCode.OK)
    if not args:
        sys.stdout.write(root_help())
        raise SystemExit(ExitCode.USAGE)
    completing = "_CORS_DOCTOR_COMPLETE" in os.environ or args[0] in _COMPLETION_FLAGS
    name = _command_name(args)
    if completing:
        names = list(COMMANDS)
    elif name is None:
        names = []  # --version, or an unknown option typer reports
    elif name not in COMMANDS:
        guess = closest(name)
        write_error(
            f"no such command {name!r}" + (f"; did you mean {guess!r}?" if guess else ""),
            "run 'cors-doctor --help' for the list of commands",
        )
        raise SystemExit(ExitCode.USAGE)
    else:
        names = [name]
    raise SystemExit(_run(build_app(names, completion=completing), args))


def _run(app: object, args: list[str]) -> int:
    import typer
    from typer.main import get_command

    command = get_command(app)  # type: ignore[arg-type]
    try:
        code = command.main(args=args, prog_name="cors-doctor", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        sys.stderr.write("cors-doctor: interrupted\n")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # click's UsageError family: exit_code 2 and a format_message()
        if getattr(exc, "exit_code", None) != 2 or not hasattr(exc, "format_message"):
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            sys.stdout.write(ctx.get_help() + "\n")
            return ExitCode.USAGE
        where = ctx.command_path if ctx is not None else "cors-doctor"
        write_error(exc.format_message(), f"run '{where} --help'")
        return ExitCode.USAGE
    return code if isinstance(code, int) else ExitCode.OK
