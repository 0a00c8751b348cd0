"""`cors-doctor init URL --origin O`: write a commented starter policy for `cors-doctor ci`.

The starter has two checks: the front end's origin must be allowed, a hostile origin must be
blocked. It refuses to overwrite an existing file unless --force is given.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cors_doctor.ci.starter import DEFAULT_FILE, HOSTILE_ORIGIN, starter_policy
from cors_doctor.cli import options
from cors_doctor.cli.run import run_command

EXAMPLES = """\b
Examples:
  cors-doctor init https://api.example.com/items --origin https://app.example.com
  cors-doctor init https://api.example.com/items -o https://app.example.com -o http://localhost:5173 -f cors.toml
"""


def init(
    url: Annotated[
        str, typer.Argument(metavar="URL", help="An API URL the front end calls, e.g. https://api.example.com/items")
    ],
    origin: Annotated[
        list[str],
        typer.Option(
            "--origin", "-o", metavar="ORIGIN", help="The front end's origin, e.g. https://app.example.com (repeatable)"
        ),
    ],
    output: Annotated[str, typer.Option("--output", "-f", metavar="FILE", help="File to write")] = DEFAULT_FILE,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists")] = False,
    debug: options.Debug = False,
) -> None:
    """Write a starter policy file: must-allow for your front end, must-block for a hostile origin."""
    run_command(lambda: _init(url, origin, output, force), debug)


def _init(url: str, origins: list[str], output: str, force: bool) -> int:
    from cors_doctor.errors import UsageError
    from cors_doctor.origin import normalize_url, parse_origin

    target = normalize_url(url)
    page_origins = [parse_origin(o).serialize() for o in origins]
    if HOSTILE_ORIGIN in page_origins:
        raise UsageError(f"--origin {HOSTILE_ORIGIN} is the hostile origin the starter policy must block")
    options.check_output_path("--output", output)  # a directory is not "already exists; pass --force"
    text = starter_policy(target, page_origins, output)
    try:
        with open(output, "w" if force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{output} already exists; pass --force to overwrite it, or --output another file") from None
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {output}: 2 checks for {target}\nnext: cors-doctor ci {output}\n")
    return 0
