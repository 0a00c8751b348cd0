"""The one place where a command's outcome becomes an exit code and, on failure, one line.

Every command body returns an ExitCode or raises; `run_command` turns whatever happened into
the same exit codes and wording for every command:

    CorsDoctorError     "cors-doctor: error: ..." (and "cors-doctor: hint: ..."), exit 2
    anything else       "cors-doctor: error: unexpected ...", exit 2 (--debug: the traceback)
    Ctrl-C              "cors-doctor: interrupted", exit 130
    stdout closed       (`| head` has seen enough) nothing more is written, exit 141
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import NoReturn


class ExitCode(IntEnum):
    """The exit-code contract, the same for every command (README, "Exit codes")."""

    OK = 0  # allowed and verified; every expectation held
    BLOCKED = 1  # blocked, or an expectation failed
    USAGE = 2  # bad input, or the target could not be reached
    UNVERIFIED = 3  # the preflight passed but the actual request was not sent (--actual)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    CLOSED_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE)


def write_error(message: str, hint: str | None = None) -> None:
    """One error line on stderr, and an optional hint line: the only error format there is."""
    sys.stderr.write(f"cors-doctor: error: {_one_line(message)}\n")
    if hint:
        sys.stderr.write(f"cors-doctor: hint: {_one_line(hint)}\n")


def warn(message: str) -> None:
    sys.stderr.write(f"cors-doctor: warning: {_one_line(message)}\n")


def _one_line(text: str) -> str:
    # Error text can quote user input or server bytes: it stays one line and shows control
    # characters instead of obeying them.
    from cors_doctor.render.escape import visible

    return visible(" ".join(text.splitlines()))


def report_error(exc: BaseException, debug: bool) -> ExitCode:
    """Print what went wrong as one line (with --debug, the traceback first); exit code 2."""
    from cors_doctor.errors import CorsDoctorError

    if debug:
        import traceback

        traceback.print_exception(exc)
    if isinstance(exc, CorsDoctorError):
        problems = getattr(exc, "problems", None)
        if problems:  # a policy file with several problems: one line each
            for problem in problems:
                write_error(problem)
        else:
            write_error(str(exc), exc.hint)
    else:
        write_error(f"unexpected {exc.__class__.__name__}: {exc} (run with --debug for details)")
    return ExitCode.USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run_command(body: Callable[[], int], debug: bool = False) -> NoReturn:
    """Run a command body and exit with its code, whatever happens inside."""
    import typer

    try:
        code = int(body())
        sys.stdout.flush()
    except KeyboardInterrupt:
        sys.stderr.write("cors-doctor: interrupted\n")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        code = ExitCode.CLOSED_PIPE
    except Exception as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(int(code))
