"""`cors-doctor init URL --origin O`: write a commented starter policy for `cors-doctor ci`.

The starter has two checks: the front end's origin must be allowed, a hostile origin must be
blocked. It refuses to overwrite an existing file unless --force is given.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

DEFAULT_FILE = "cors-policy.toml"
HOSTILE_ORIGIN = "https://evil.example"  # RFC 2606 reserved name: never someone's real site


def init(
    url: Annotated[str, typer.Argument(help="An API URL the front end calls, e.g. https://api.example.com/items")],
    origin: Annotated[list[str], typer.Option("--origin", "-o", help="The front end's origin, e.g. https://app.example.com (repeatable)")],
    output: Annotated[str, typer.Option("--output", "-f", help="File to write")] = DEFAULT_FILE,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Write a starter policy file: must-allow for your front end, must-block for a hostile origin."""
    from cors_doctor.cli import report_error

    try:
        code = _init(url, origin, output, force)
    except Exception as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(code)


def _init(url: str, origins: list[str], output: str, force: bool) -> int:
    from cors_doctor.errors import UsageError
    from cors_doctor.origin import normalize_url, parse_origin

    target = normalize_url(url)
    page_origins = [parse_origin(o).serialize() for o in origins]
    if HOSTILE_ORIGIN in page_origins:
        raise UsageError(f"--origin {HOSTILE_ORIGIN} is the hostile origin the starter policy must block")
    text = starter_policy(target, page_origins, output)
    try:
        with open(output, "w" if force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{output} already exists; pass --force to overwrite it, or --output another file") from None
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {output}: 2 checks for {target}\n"
                     f"next: cors-doctor ci {output}\n")
    return 0


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_policy(url: str, origins: list[str], filename: str = DEFAULT_FILE) -> str:
    """The commented starter file (valid as written; `cors-doctor ci` accepts it)."""
    origin_list = ", ".join(_toml_string(o) for o in origins)
    return f'''# cors-doctor policy: which web pages may call this API from a browser, and which may not.
# Run it with:  cors-doctor ci {filename}
# Format: docs/ci.md. Exit codes: 0 all expectations hold, 1 one failed or a target was
# unreachable, 2 this file is invalid.
version = 1

[defaults]
# The origins your front end is served from (scheme://host[:port], no trailing slash).
origins = [{origin_list}]
browser = "chrome"        # chrome, firefox or safari: whose CORS rules to apply
timeout = 10              # seconds to wait for each reply
# Headers your page script sends with every request. A header outside the CORS-safelisted few
# (Authorization, X-Requested-With, Content-Type: application/json ...) makes the browser send
# a preflight (OPTIONS) first; list yours so that the checks exercise the preflight too.
# headers = {{ "X-Requested-With" = "XMLHttpRequest" }}
# base_url = "https://api.example.com"   # then write paths = ["/items", "/users/me"] in checks

[[check]]
name = "front end can read the API"
url = {_toml_string(url)}
expect = "allow"          # the browser must let page script read the reply
# method = "GET"          # for PUT/POST/DELETE only the preflight is checked unless actual = true
# credentials = true      # fetch(url, {{credentials: "include"}}): cookies, Authorization
# max_age_at_least = 600  # Access-Control-Max-Age of the preflight, in seconds (needs a preflight)
# exposed_headers = ["X-Request-Id"]  # response headers script must be able to read
vary_origin = true        # a reflected Access-Control-Allow-Origin must come with Vary: Origin

[[check]]
name = "hostile origin is refused"
url = {_toml_string(url)}
origins = [{_toml_string(HOSTILE_ORIGIN)}, "null"]  # any other site, and sandboxed iframes / file: pages
expect = "block"          # the browser must refuse to show the reply to these origins
'''

