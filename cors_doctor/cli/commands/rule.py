"""`cors-doctor rule CODE`: a finding code's page in the terminal, offline, from the catalog."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command

EXAMPLES = """\b
Examples:
  cors-doctor rule CD301
  cors-doctor rule cd305
  cors-doctor rule --all
"""


def rule(
    code: Annotated[str | None, typer.Argument(metavar="CODE", help="A finding code, e.g. CD301")] = None,
    all_codes: Annotated[bool, typer.Option("--all", help="List every code with its severity and title")] = False,
    debug: options.Debug = False,
) -> None:
    """Show what a finding code means, why browsers care, and how to fix it."""
    run_command(lambda: _rule(code, all_codes), debug)


def _rule(code: str | None, all_codes: bool) -> int:
    from cors_doctor.errors import UsageError
    from cors_doctor.rules.catalog import RULES
    from cors_doctor.rules.docs import render_page

    if all_codes:
        width = max(len(r.name) for r in RULES.values())
        for r in RULES.values():
            sys.stdout.write(f"{r.code}  {r.name.ljust(width)}  {r.severity:<7}  {r.title}\n")
        return ExitCode.OK
    if code is None:
        raise UsageError("give a finding code (e.g. cors-doctor rule CD301), or --all to list them")
    wanted = code.strip().upper()
    if wanted not in RULES:
        raise UsageError(f"unknown finding code {options.echo(code)}", hint="cors-doctor rule --all lists every code")
    sys.stdout.write(render_page(RULES[wanted]))
    return ExitCode.OK
