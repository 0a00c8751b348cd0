"""Command line: parse options, call the core, render. No CORS rules live here."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from cors_doctor.errors import CorsDoctorError, UsageError

app = typer.Typer(
    name="cors-doctor",
    help="Would a browser allow this cross-origin request? If not, exactly why, and how to fix it.",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_ALLOWED, EXIT_BLOCKED, EXIT_ERROR = 0, 1, 2
BROWSER_CHOICES = ("chrome", "firefox", "safari")
MODE_CHOICES = ("cors", "no-cors")
CLIENT_CHOICES = ("fetch", "xhr", "xhr-upload")


def parse_header_option(text: str) -> tuple[str, str]:
    """'Name: value' -> (name, value); the value may be empty, the name may not."""
    name, sep, value = text.partition(":")
    # Quote only the start: a malformed `Authorization Bearer s3cret` must not print the secret.
    shown = text.split(" ", 1)[0][:40] + (" …" if " " in text or len(text) > 40 else "")
    if not sep or not name.strip():
        raise UsageError(f"--header {shown!r} is not 'Name: value' (no colon after the name)")
    if name != name.strip():
        raise UsageError(f"--header {name.strip()!r}: no spaces allowed around the header name")
    return name, value.strip(" \t")


def parse_browser(value: str) -> str:
    browser = value.strip().lower()
    aliases = {"chromium": "chrome", "edge": "chrome", "ff": "firefox", "webkit": "safari"}
    browser = aliases.get(browser, browser)
    if browser not in BROWSER_CHOICES:
        raise UsageError(f"unknown --browser {value!r}; choose chrome, firefox or safari")
    return browser


def parse_choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise UsageError(f"unknown {option} {value!r}; choose {', '.join(choices)}")
    return chosen


def report_error(exc: BaseException, debug: bool) -> int:
    """Print one line (and a hint) to stderr; with --debug also the traceback."""
    if isinstance(exc, BrokenPipeError):
        raise exc  # stdout was closed by the reader (`| head`): click ends quietly with exit 1
    if debug:
        import traceback

        traceback.print_exception(exc)
    if isinstance(exc, CorsDoctorError):
        message = str(exc)
        hint = exc.hint
    else:
        message = f"unexpected {exc.__class__.__name__}: {exc} (run with --debug for details)"
        hint = None
    sys.stderr.write(f"cors-doctor: error: {message}\n")
    if hint:
        sys.stderr.write(f"cors-doctor: hint: {hint}\n")
    return EXIT_ERROR


def _use_color(no_color: bool) -> bool:
    return not no_color and not os.environ.get("NO_COLOR")


@app.command()
def check(
    url: Annotated[str, typer.Argument(help="The URL page script fetches, e.g. https://api.example.com/items")],
    origin: Annotated[str, typer.Option("--origin", "-o", help="The page's origin, e.g. https://app.example.com")],
    method: Annotated[str, typer.Option("--method", "-X", help="Request method as written in fetch()")] = "GET",
    header: Annotated[Optional[list[str]], typer.Option("--header", "-H", help="Request header 'Name: value' set by script (repeatable)")] = None,
    credentials: Annotated[bool, typer.Option("--credentials", help="credentials: 'include' (cookies, withCredentials)")] = False,
    actual: Annotated[bool, typer.Option("--actual", help="Also send the actual request for methods other than GET/HEAD (it may change data)")] = False,
    data: Annotated[Optional[str], typer.Option("--data", "-d", help="Body of the actual request (a string, as fetch() sends it)")] = None,
    cookie: Annotated[Optional[str], typer.Option("--cookie", "-b", help="Cookie header the browser holds for the target (sent with --credentials)")] = None,
    browser: Annotated[str, typer.Option("--browser", help="chrome, firefox or safari")] = "chrome",
    mode: Annotated[str, typer.Option("--mode", help="fetch()'s mode: cors, or no-cors (an opaque reply script cannot read)")] = "cors",
    client: Annotated[str, typer.Option("--client", help="fetch, xhr (XMLHttpRequest), or xhr-upload (XMLHttpRequest with an xhr.upload listener: always preflighted)")] = "fetch",
    framework: Annotated[Optional[str], typer.Option("--framework", help="Framework for the suggested fix: fastapi, flask, django, express, nginx, apache, caddy, spring, aspnet, go (default: guessed from the replies)")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each reply")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates")] = False,
    cacert: Annotated[Optional[str], typer.Option("--cacert", help="CA bundle (PEM) to verify TLS with")] = None,
    http2: Annotated[bool, typer.Option("--http2", help="Offer HTTP/2 to https servers, as browsers do (needs the h2 package)")] = False,
    probe_reflection: Annotated[bool, typer.Option("--probe-reflection", help="When the reply allows your origin with credentials, ask once more from an origin nobody trusts, to tell an allow-list from origin reflection")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object (docs/json-output.md)")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show the raw exchanges")] = False,
    show_secrets: Annotated[bool, typer.Option("--show-secrets", help="Do not mask Authorization and cookie values")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Check whether a browser would allow this cross-origin request, and why not."""
    try:
        code = _check(
            url=url, origin=origin, method=method, headers=header or [], credentials=credentials, actual=actual,
            data=data, cookie=cookie, browser=browser, framework=framework, timeout=timeout, insecure=insecure,
            cacert=cacert, json_output=json_output, verbose=verbose, show_secrets=show_secrets, no_color=no_color,
            http2=http2, probe_reflection=probe_reflection, mode=mode, client=client,
        )
    except (CorsDoctorError, Exception) as exc:  # noqa: BLE001 - one line, exit 2, never a traceback
        code = report_error(exc, debug)
    raise typer.Exit(code)


def _check(*, url, origin, method, headers, credentials, actual, data, cookie, browser, framework,
           timeout, insecure, cacert, json_output, verbose, show_secrets, no_color, http2=False,
           probe_reflection=False, mode="cors", client="fetch") -> int:
    from cors_doctor.model import RequestSpec
    from cors_doctor.plan import build_plan, only_the_actual_request_tells

    if timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    from cors_doctor.fixes import FRAMEWORKS, resolve_framework

    chosen = resolve_framework(framework) if framework is not None else None
    if framework is not None and chosen is None:
        raise UsageError(f"unknown --framework {framework!r}; choose one of: {', '.join(FRAMEWORKS)}")
    framework = chosen
    spec = RequestSpec(
        url=url, origin=origin, method=method, headers=tuple(parse_header_option(h) for h in headers),
        credentials=credentials, body=data, browser=parse_browser(browser),  # type: ignore[arg-type]
        mode=parse_choice("--mode", mode, MODE_CHOICES), client=parse_choice("--client", client, CLIENT_CHOICES),  # type: ignore[arg-type]
    )
    plan = build_plan(spec)
    if only_the_actual_request_tells(plan) and not actual:
        raise UsageError(
            f"a {plan.method} with these headers needs no preflight, so the only request a browser sends is the "
            f"{plan.method} itself; pass --actual to send it (it may change data on the server)"
        )
    if cookie and not credentials:
        sys.stderr.write("cors-doctor: warning: --cookie is ignored without --credentials: "
                         "cross-origin fetch() sends no cookies by default\n")
    from cors_doctor.net._probe import ProbeOptions, probe

    options = ProbeOptions(timeout=timeout, verify=not insecure, cacert=cacert, cookie=cookie, send_actual=actual,
                           http2=http2)
    verdict = probe(plan, options)
    from cors_doctor.diagnosis import diagnose, probe_canary

    # The extra request from an untrusted origin is sent only when asked for: check sends what
    # the browser sends and nothing else by default.
    canary = probe_canary(verdict, options) if probe_reflection else None
    report = diagnose(verdict, framework, canary)
    verdict, fix = report.verdict, report.fix
    if json_output:
        from cors_doctor.render.check.json import render as render_json

        sys.stdout.write(render_json(verdict, fix, show_secrets, framework=report.framework) + "\n")
    else:
        from cors_doctor.render.check.console import make_console, render

        render(make_console(no_color=not _use_color(no_color)), verdict, fix, verbose=verbose, show_secrets=show_secrets,
               framework=report.framework)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


@app.command()
def demo(
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show the raw exchanges")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks")] = False,
) -> None:
    """Start a built-in loopback server with common CORS mistakes and check each endpoint."""
    try:
        from cors_doctor.demo import run_demo

        code = run_demo(no_color=not _use_color(no_color), verbose=verbose)
    except (CorsDoctorError, Exception) as exc:  # noqa: BLE001
        code = report_error(exc, debug)
    raise typer.Exit(code)


def _show_version(value: bool) -> None:
    if value:
        from cors_doctor import __version__

        typer.echo(f"cors-doctor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit", is_eager=True, callback=_show_version)] = False,
) -> None:
    """Would a browser allow this cross-origin request? If not, exactly why, and how to fix it."""


# --- commands -------------------------------------------------------------------------
# Each command beyond check/demo lives in cors_doctor/commands/NAME.py and is registered here
# with one line. Those modules import nothing heavy at module level (start-up time matters).
from cors_doctor.cli.commands import audit as _audit_command; app.command("audit")(_audit_command.audit)  # noqa: E402, E702
from cors_doctor.cli.commands import ci as _ci_command; app.command("ci")(_ci_command.ci)  # noqa: E402, E702
from cors_doctor.cli.commands import init as _init_command; app.command("init")(_init_command.init)  # noqa: E402, E702
from cors_doctor.cli.commands import explain as _explain_command; app.command("explain")(_explain_command.explain)  # noqa: E402, E702
from cors_doctor.cli.commands import har as _har_command; app.command("har")(_har_command.har)  # noqa: E402, E702
# --- end commands ---------------------------------------------------------------------


def _root_help() -> str:
    """The top-level help, written from the registered commands' docstrings.

    Building it through typer would first build every command's option parser (~70 ms, half
    the start-up); the command list only needs names and first lines.
    """
    import textwrap

    commands = [(info.name or info.callback.__name__, (info.callback.__doc__ or "").strip().split("\n")[0])
                for info in app.registered_commands]
    width = max(len(name) for name, _ in commands)
    about = textwrap.fill(app.info.help or "", 78, initial_indent="  ", subsequent_indent="  ")
    lines = ["Usage: cors-doctor [OPTIONS] COMMAND [ARGS]...", "", about, "", "Options:",
             "  --version   Show the version and exit", "  -h, --help  Show this message and exit.", "",
             "Commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in commands]
    lines += ["", "Run 'cors-doctor COMMAND --help' for the options of a command."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Entry point: command-line mistakes become one `cors-doctor: error:` line and exit 2."""
    if sys.argv[1:] in (["--help"], ["-h"]):
        sys.stdout.write(_root_help())
        raise SystemExit(EXIT_ALLOWED)
    from typer import Abort, Exit
    from typer._click import exceptions as click_exceptions  # typer vendors click

    try:
        code = app(standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "")
        code = EXIT_ERROR
    except click_exceptions.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "cors-doctor"
        sys.stderr.write(f"cors-doctor: error: {exc.format_message()}\n")
        sys.stderr.write(f"cors-doctor: hint: run '{command} --help'\n")
        code = EXIT_ERROR
    except Abort:
        sys.stderr.write("cors-doctor: aborted\n")
        code = EXIT_ERROR
    except Exit as exc:
        code = exc.exit_code

    raise SystemExit(code if isinstance(code, int) else 0)
