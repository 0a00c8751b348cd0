"""Every command by name: the module that implements it and its one-line summary.

`cors-doctor --help` is written from this table alone, and `cors-doctor NAME ...` imports only
the module of NAME, so neither pays for the other commands' imports or option parsers (typer
builds every registered command's parser up front: about half the start-up time).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import typer


@dataclass(frozen=True)
class Command:
    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "check": Command(
        "cors_doctor.cli.commands.check", "Check whether a browser would allow this cross-origin request, and why not."
    ),
    "demo": Command(
        "cors_doctor.cli.commands.demo", "Check a built-in loopback API with the classic CORS mistakes, one by one."
    ),
    "explain": Command(
        "cors_doctor.cli.commands.explain",
        "Explain a CORS error pasted from the browser console, and give the check that reproduces it.",
    ),
    "har": Command(
        "cors_doctor.cli.commands.har",
        "Judge every cross-origin request in a HAR file, offline; --live checks the ones it cannot.",
    ),
    "ci": Command(
        "cors_doctor.cli.commands.ci",
        "Check a CORS policy file: which origins must be allowed and which must be blocked.",
    ),
    "init": Command(
        "cors_doctor.cli.commands.init",
        "Write a starter policy file: must-allow for your front end, must-block for a hostile origin.",
    ),
    "audit": Command(
        "cors_doctor.cli.commands.audit",
        "Probe URLs with forged origins and report exploitable CORS misconfigurations.",
    ),
    "rule": Command(
        "cors_doctor.cli.commands.rule", "Show what a finding code means, why browsers care, and how to fix it."
    ),
}

ABOUT = "Would a browser allow this cross-origin request? If not, exactly why, and how to fix it."


def _show_version(value: bool) -> None:
    if value:
        from cors_doctor import __version__

        typer.echo(f"cors-doctor {__version__}")
        raise typer.Exit(0)


def _root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit", is_eager=True, callback=_show_version
    ),
) -> None:
    """Would a browser allow this cross-origin request? If not, exactly why, and how to fix it."""


def _command_class() -> type:
    """typer's command, with one metavar style in the usage line: `URL`, as in the option list
    (typer writes a required argument as `{URL}`)."""
    import re

    from typer.core import TyperCommand

    class Command(TyperCommand):
        def collect_usage_pieces(self, ctx: Any) -> list[str]:  # click's Context, vendored by typer
            return [re.sub(r"^\{(.*)\}$", r"\1", piece) for piece in super().collect_usage_pieces(ctx)]

    return Command


def build_app(names: list[str], completion: bool = False) -> typer.Typer:
    """A typer app with only the commands in `names` (their modules are imported here)."""
    import importlib

    app = typer.Typer(
        name="cors-doctor",
        help=ABOUT,
        add_completion=completion,
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in names:
        module = importlib.import_module(COMMANDS[name].module)
        callback = getattr(module, name)
        app.command(name, cls=_command_class(), help=callback.__doc__, epilog=getattr(module, "EXAMPLES", None))(
            callback
        )
    return app


def root_help() -> str:
    width = max(len(name) for name in COMMANDS)
    about = textwrap.fill(ABOUT, 78, initial_indent="  ", subsequent_indent="  ")
    lines = [
        "Usage: cors-doctor [OPTIONS] COMMAND [ARGS]...",
        "",
        about,
        "",
        "Options:",
        "  --version             Show the version and exit",
        "  --install-completion  Install completion for the current shell",
        "  --show-completion     Show completion for the current shell",
        "  -h, --help            Show this message and exit.",
        "",
        "Commands:",
    ]
    lines += [f"  {name.ljust(width)}  {command.summary}" for name, command in COMMANDS.items()]
    lines += [
        "",
        "Run 'cors-doctor COMMAND --help' for the options and examples of a command.",
        "Exit codes: 0 allowed, 1 blocked, 2 usage error or unreachable, 3 not verified (docs: README).",
    ]
    return "\n".join(lines) + "\n"


def closest(name: str) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, list(COMMANDS), n=1)
    return found[0] if found else None
