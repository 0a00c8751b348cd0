"""`cors-doctor check URL --origin O`: would a browser allow this request, why not, and the fix."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from cors_doctor.cli import options
from cors_doctor.cli.run import ExitCode, run_command, warn
from cors_doctor.errors import UsageError

if TYPE_CHECKING:
    from cors_doctor.diagnosis import Diagnosis

EXAMPLES = """\b
Examples:
  cors-doctor check https://api.example.com/items --origin https://app.example.com
  cors-doctor check https://api.example.com/items -o https://app.example.com -X PUT \\
      -H 'Content-Type: application/json' --credentials --actual
  cors-doctor check https://api.example.com/me -o https://app.example.com --json | jq .allowed
  cors-doctor check /items --app main:app -o http://localhost:5173 -X PUT --actual \
      -H 'Content-Type: application/json'    (the application in-process, nothing served)
"""


def check(
    url: Annotated[
        str, typer.Argument(metavar="URL", help="The URL page script fetches, e.g. https://api.example.com/items")
    ],
    origin: options.Origin,
    method: options.Method = "GET",
    header: options.Header = None,
    credentials: options.Credentials = False,
    actual: options.Actual = False,
    data: Annotated[
        str | None,
        typer.Option("--data", "-d", metavar="BODY", help="Body of the actual request (a string, as fetch() sends it)"),
    ] = None,
    cookie: options.Cookie = None,
    third_party_cookies: Annotated[
        str | None,
        typer.Option(
            "--third-party-cookies",
            metavar="SETTING",
            help="allow, partition or block: the browser's third-party cookie setting, when not its default (Chrome in Incognito: block)",
        ),
    ] = None,
    browser: options.Browser_ = "chrome",
    mode: Annotated[
        str,
        typer.Option(
            "--mode", metavar="MODE", help="fetch()'s mode: cors, or no-cors (an opaque reply script cannot read)"
        ),
    ] = "cors",
    client: Annotated[
        str,
        typer.Option(
            "--client",
            metavar="CLIENT",
            help="fetch, xhr (XMLHttpRequest), or xhr-upload (XMLHttpRequest with an xhr.upload listener: always preflighted)",
        ),
    ] = "fetch",
    framework: options.Framework = None,
    probe_reflection: Annotated[
        bool,
        typer.Option(
            "--probe-reflection",
            help="When the reply allows your origin with credentials, ask once more from an origin nobody trusts, to tell an allow-list from origin reflection",
        ),
    ] = False,
    timeout: options.Timeout = 10.0,
    app: Annotated[
        str | None,
        typer.Option(
            "--app",
            metavar="MODULE:ATTR",
            help="Check this ASGI or WSGI application in-process, without serving it (an import string as uvicorn takes it, e.g. main:app); URL may then be a path",
        ),
    ] = None,
    app_dir: Annotated[
        str,
        typer.Option(
            "--app-dir",
            metavar="DIR",
            help="Directory put first on the module search path for --app (default: the current directory)",
        ),
    ] = ".",
    insecure: options.Insecure = False,
    cacert: options.CaCert = None,
    http2: options.Http2 = False,
    json_output: options.Json = False,
    brief: Annotated[
        bool, typer.Option("--brief", help="One line: ALLOWED, BLOCKED or NOT VERIFIED, the finding codes, the URL")
    ] = False,
    verbose: options.Verbose = False,
    show_secrets: options.ShowSecrets = False,
    no_color: options.NoColor = False,
    debug: options.Debug = False,
) -> None:
    """Check whether a browser would allow this cross-origin request, and why not."""
    # A typer command lists its options in its signature; everything after parsing takes the
    # small option objects below.
    request = RequestFlags(url, origin, method, header or [], credentials, data, browser, mode, client)
    behaviour = BehaviourFlags(actual, cookie, framework, probe_reflection, app, app_dir, third_party_cookies)
    network = options.NetworkFlags(timeout, insecure, cacert, http2)
    output = options.OutputFlags(json_output, verbose, show_secrets, no_color)
    run_command(lambda: run(request, behaviour, network, output, brief), debug)


@dataclass(frozen=True)
class RequestFlags:
    """What page script asks for, as typed on the command line."""

    url: str
    origin: str
    method: str
    headers: list[str]
    credentials: bool
    data: str | None
    browser: str
    mode: str = "cors"
    client: str = "fetch"


MODE_CHOICES = ("cors", "no-cors")
CLIENT_CHOICES = ("fetch", "xhr", "xhr-upload")


def parse_choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise UsageError(f"unknown {option} {options.echo(value)}; choose {', '.join(choices)}")
    return chosen


@dataclass(frozen=True)
class BehaviourFlags:
    """What the user allows cors-doctor to do beyond what the browser would send."""

    actual: bool
    cookie: str | None
    framework: str | None
    probe_reflection: bool
    app: str | None = None  # an import string: the application is checked in-process
    app_dir: str = "."
    third_party_cookies: str | None = None


def run(
    request: RequestFlags,
    behaviour: BehaviourFlags,
    network: options.NetworkFlags,
    output: options.OutputFlags,
    brief: bool = False,
) -> int:
    from cors_doctor.model import RequestSpec
    from cors_doctor.pipeline import CheckOptions, run_check, run_check_in_process

    application = None
    url = request.url
    framework = behaviour.framework
    if behaviour.app is not None:
        from cors_doctor.app_import import app_url, import_app
        from cors_doctor.net import framework_of

        application = import_app(behaviour.app, behaviour.app_dir)
        url = app_url(url, request.origin) if url.startswith("/") else url
        framework = framework or framework_of(application)
    spec = RequestSpec(
        url=options.check_url_length(url),
        origin=request.origin,
        method=request.method,
        headers=options.parse_headers(request.headers),
        credentials=request.credentials,
        body=request.data,
        browser=options.parse_browser(request.browser),
        mode=parse_choice("--mode", request.mode, MODE_CHOICES),  # type: ignore[arg-type]
        client=parse_choice("--client", request.client, CLIENT_CHOICES),  # type: ignore[arg-type]
    )
    check_options = CheckOptions(
        actual=behaviour.actual,
        cookie=behaviour.cookie,
        framework=options.parse_framework(framework),
        probe_reflection=behaviour.probe_reflection,
        third_party_cookies=behaviour.third_party_cookies,
    )
    send = network.send_options()
    if behaviour.cookie and not request.credentials:
        warn("--cookie is ignored without --credentials: cross-origin fetch() sends no cookies by default")
    if application is not None:
        diagnosis = run_check_in_process(spec, application, send.timeout, check_options)
    else:
        diagnosis = run_check(spec, send, check_options)
    show(diagnosis, output, brief)
    return exit_code(diagnosis)


def exit_code(diagnosis: Diagnosis) -> ExitCode:
    verdict = diagnosis.verdict
    if not verdict.allowed:
        return ExitCode.BLOCKED
    return ExitCode.UNVERIFIED if verdict.unverified else ExitCode.OK


def show(diagnosis: Diagnosis, output: options.OutputFlags, brief: bool = False) -> None:
    """Print a diagnosis in the chosen format (shared with demo and explain --run)."""
    if output.json:
        from cors_doctor.render.check.json import render as render_json

        sys.stdout.write(
            render_json(
                diagnosis.verdict,
                diagnosis.fix,
                output.show_secrets,
                framework=diagnosis.framework,
                cookies=diagnosis.cookies,
                cookie_fix=diagnosis.cookie_fix,
            )
            + "\n"
        )
        return
    if brief:
        from cors_doctor.render.check.brief import render_brief

        sys.stdout.write(render_brief(diagnosis.verdict) + "\n")
        return
    from cors_doctor.render import make_console
    from cors_doctor.render.check.console import render

    render(
        make_console(no_color=not output.color),
        diagnosis.verdict,
        diagnosis.fix,
        verbose=output.verbose,
        show_secrets=output.show_secrets,
        framework=diagnosis.framework,
        cookies=diagnosis.cookies,
        cookie_fix=diagnosis.cookie_fix,
    )
