"""Options shared by several commands: declared once, validated once, bundled into frozen objects.

A command declares `timeout: options.Timeout = 10.0` instead of repeating the typer.Option call;
the validators below turn raw option values into the core's own types (`SendOptions`, header
pairs, a browser name) or raise a UsageError that the wrapper prints as one line.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from cors_doctor.errors import UsageError

if TYPE_CHECKING:
    from cors_doctor.batch import BatchOptions
    from cors_doctor.model import Browser, Headers
    from cors_doctor.net import SendOptions

BROWSER_CHOICES = ("chrome", "firefox", "safari")
BROWSER_ALIASES = {"chromium": "chrome", "edge": "chrome", "ff": "firefox", "webkit": "safari"}
# More workers than this only cost memory and file descriptors (each holds a socket).
MAX_CONCURRENCY = 1000
# Chrome refuses URLs longer than 2 MiB (url::kMaxURLChars); echoed input is cut much shorter.
MAX_URL_CHARS = 2 * 1024 * 1024
ECHO_CHARS = 80

# -- the request -----------------------------------------------------------------------------
Origin = Annotated[
    str, typer.Option("--origin", "-o", metavar="ORIGIN", help="The page's origin, e.g. https://app.example.com")
]
Method = Annotated[
    str,
    typer.Option(
        "--method", "-X", metavar="METHOD", help="Request method as written in fetch(): `patch` stays `patch`"
    ),
]
Header = Annotated[
    list[str] | None,
    typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="Request header set by script (repeatable)"),
]
Credentials = Annotated[bool, typer.Option("--credentials", help="credentials: 'include' (cookies, withCredentials)")]
Actual = Annotated[
    bool, typer.Option("--actual", help="Also send the actual request when its method can change data (not GET/HEAD)")
]
Browser_ = Annotated[str, typer.Option("--browser", metavar="BROWSER", help="Judge as chrome, firefox or safari")]
Framework = Annotated[
    str | None,
    typer.Option(
        "--framework",
        metavar="NAME",
        help="Framework of the suggested fix: fastapi, flask, django, express, nginx, apache, caddy, spring, aspnet, go (default: guessed from the replies)",
    ),
]
Cookie = Annotated[
    str | None,
    typer.Option(
        "--cookie",
        "-b",
        metavar="COOKIE",
        help="Cookie header the browser holds for the target (sent only with --credentials); attributes after a cookie (a=1; SameSite=None; Secure) say how it was set",
    ),
]

# -- the network -----------------------------------------------------------------------------
Timeout = Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for each reply")]
Insecure = Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates")]
CaCert = Annotated[str | None, typer.Option("--cacert", metavar="FILE", help="CA bundle (PEM) to verify TLS with")]
Http2 = Annotated[
    bool, typer.Option("--http2", help="Offer HTTP/2 to https servers, as browsers do (needs the h2 package)")
]
Concurrency = Annotated[
    int, typer.Option("--concurrency", "-c", metavar="N", help=f"Checks in flight at once (1–{MAX_CONCURRENCY})")
]
Transport = Annotated[
    str,
    typer.Option("--transport", metavar="aiohttp|httpx", help="HTTP client under the checks: aiohttp (fast) or httpx"),
]

# -- the output ------------------------------------------------------------------------------
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object (schema in docs/schemas/)")]
JsonShort = Annotated[bool, typer.Option("--json", help="Short for --format json (schema in docs/schemas/)")]
Shard = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="K/N",
        help="Run only part K of N, e.g. 2/4 (one job of a CI matrix; shards 1..N cover everything once)",
    ),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Also show the raw exchanges")]
ShowSecrets = Annotated[bool, typer.Option("--show-secrets", help="Do not mask Authorization and cookie values")]
NoColor = Annotated[bool, typer.Option("--no-color", help="No colors (NO_COLOR is honoured too)")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks")]


def echo(text: str) -> str:
    """User input quoted in an error line: shortened, so a 2 MiB URL is not printed back."""
    return repr(text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…")


def parse_header(text: str) -> tuple[str, str]:
    """'Name: value' -> (name, value); the value may be empty, the name may not."""
    name, sep, value = text.partition(":")
    # Quote only the start: a malformed `Authorization Bearer s3cret` must not print the secret.
    shown = text.split(" ", 1)[0][:40] + (" …" if " " in text or len(text) > 40 else "")
    if not sep or not name.strip():
        raise UsageError(f"--header {shown!r} is not 'Name: value' (no colon after the name)")
    if name != name.strip():
        raise UsageError(f"--header {name.strip()!r}: no spaces allowed around the header name")
    return name, value.strip(" \t")


def parse_headers(texts: list[str] | None) -> Headers:
    return tuple(parse_header(text) for text in texts or ())


def parse_browser(value: str) -> Browser:
    browser = value.strip().lower()
    browser = BROWSER_ALIASES.get(browser, browser)
    if browser not in BROWSER_CHOICES:
        raise UsageError(f"unknown --browser {echo(value)}; choose chrome, firefox or safari")
    return browser  # type: ignore[return-value]


def parse_framework(value: str | None) -> str | None:
    if value is None:
        return None
    from cors_doctor.fixes import FRAMEWORKS, resolve_framework

    name = resolve_framework(value)
    if name is None:
        raise UsageError(f"unknown --framework {echo(value)}; choose one of: {', '.join(FRAMEWORKS)}")
    return name


def check_url_length(url: str) -> str:
    if len(url) > MAX_URL_CHARS:
        raise UsageError(f"the URL is {len(url)} characters long; browsers refuse URLs over {MAX_URL_CHARS} (2 MiB)")
    return url


def check_timeout(seconds: float) -> float:
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--timeout must be a positive, finite number of seconds, not {seconds!r}")
    return seconds


def check_concurrency(workers: int) -> int:
    if not 1 <= workers <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}, not {workers}")
    return workers


def output_format(value: str, json_output: bool, choices: tuple[str, ...]) -> str:
    """--format FORMAT, with --json as its short form for `json`; anything else is a usage error."""
    fmt = value.strip().lower()
    if fmt not in choices:
        raise UsageError(f"unknown --format {echo(value)}; choose one of: {', '.join(choices)}")
    if json_output and fmt not in ("text", "json"):
        raise UsageError(f"--json is short for --format json; it cannot go with --format {fmt}")
    return "json" if json_output else fmt


def check_output_path(option: str, path: str | None) -> str | None:
    """A report path is checked before the first request, not after the whole run."""
    if path is None:
        return None
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a directory; give a file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"{option} {path}: the directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {path}: not writable")
    return path


@dataclass(frozen=True)
class NetworkFlags:
    """--timeout, --insecure, --cacert and --http2 as given; `send_options()` validates them."""

    timeout: float = 10.0
    insecure: bool = False
    cacert: str | None = None
    http2: bool = False

    def send_options(self) -> SendOptions:
        from cors_doctor.net import SendOptions, ssl_context, use_browser_limits

        check_timeout(self.timeout)
        use_browser_limits()  # URLs and reply heads as Chromium takes them: this process is cors-doctor's own
        options = SendOptions(timeout=self.timeout, verify=not self.insecure, cacert=self.cacert, http2=self.http2)
        if self.cacert and not self.insecure:
            ssl_context(options)  # a bad bundle is a usage error now, not an error per request later
        return options


@dataclass(frozen=True)
class OutputFlags:
    """How results are shown: JSON or text, colour, raw exchanges, secrets."""

    json: bool = False
    verbose: bool = False
    show_secrets: bool = False
    no_color: bool = False

    @property
    def color(self) -> bool:
        return not self.no_color and not os.environ.get("NO_COLOR")

    def color_on(self, stream: object = sys.stdout) -> bool:
        """Colour for a stream that is not Rich's: only on a terminal, or when FORCE_COLOR asks."""
        if not self.color:
            return False
        isatty = getattr(stream, "isatty", None)
        return bool(os.environ.get("FORCE_COLOR")) or bool(isatty and isatty())


@dataclass(frozen=True)
class BatchFlags:
    """--concurrency and --transport as given; `batch_options()` validates them."""

    concurrency: int = 10
    transport: str = "aiohttp"

    def batch_options(self, keep_results: bool = True) -> BatchOptions:
        from cors_doctor.batch import BatchOptions
        from cors_doctor.net import TRANSPORTS

        check_concurrency(self.concurrency)
        transport = self.transport.strip().lower()
        if transport not in TRANSPORTS:
            raise UsageError(f"unknown --transport {echo(self.transport)}; choose {' or '.join(TRANSPORTS)}")
        return BatchOptions(self.concurrency, transport, keep_results)
