"""The public face of cors-doctor as a library: `check`, `check_async` and their `Verdict`.

    verdict = cors_doctor.check("http://testserver/items", origin="http://localhost:5173",
                                method="PUT", headers={"Content-Type": "application/json"},
                                credentials=True, actual=True, app=app)
    assert verdict.allowed, str(verdict)

With `app=` the requests go to the ASGI or WSGI application in this process (no server, no
socket); otherwise to the URL over the network, exactly as `cors-doctor check` sends them.

Names: `cors_doctor.Verdict` is this module's answer for callers; the browser state machine's
own record (`cors_doctor.model.Verdict`, with every step and exchange) stays in the core and is
reachable as `verdict.diagnosis.verdict`.

This is the one module outside the CLI that imports `cors_doctor.render`: `str(verdict)` must be
the text the CLI prints, so it is drawn by the same renderer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from cors_doctor.errors import UsageError
from cors_doctor.model import BROWSERS, Browser, Exchange, Finding, Headers, RequestSpec

if TYPE_CHECKING:
    from cors_doctor.diagnosis import Diagnosis
    from cors_doctor.net import SendOptions
    from cors_doctor.pipeline import CheckOptions

__all__ = ["Fix", "HeadersLike", "Verdict", "check", "check_async"]

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]


class Fix(NamedTuple):
    """The server change that makes the browser allow the request: for which framework, and the text."""

    framework: str
    text: str


@dataclass(frozen=True)
class Verdict:
    """Would the browser allow it: the answer, the browser's console message, and the fix.

    `verified` is False when the answer rests on an actual reply that was not sent (pass
    `actual=True`); `preflight` is None when the browser sends no preflight, else the request
    sent and the reply received; `diagnosis` holds everything (steps, exchanges, framework).
    """

    allowed: bool
    verified: bool
    browser_message: str | None
    preflight: Exchange | None
    exposed_headers: tuple[str, ...]
    findings: tuple[Finding, ...]
    fix: Fix | None
    diagnosis: Diagnosis = field(repr=False, compare=False)

    @classmethod
    def from_diagnosis(cls, diagnosis: Diagnosis) -> Verdict:
        core = diagnosis.verdict
        fix = diagnosis.fix
        return cls(
            allowed=core.allowed,
            verified=not core.unverified,
            browser_message=core.browser_message,
            preflight=core.preflight,
            exposed_headers=core.exposed_headers,
            findings=core.findings,
            fix=Fix(fix.framework, fix.snippet) if fix is not None else None,
            diagnosis=diagnosis,
        )

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes, in order (CD101, ...)."""
        return tuple(str(f.code) for f in self.findings)

    def __str__(self) -> str:
        """The verdict as `cors-doctor check` prints it, without colour."""
        import io

        from rich.console import Console

        from cors_doctor.render.check.console import render

        out = io.StringIO()
        console = Console(
            file=out, no_color=True, highlight=False, soft_wrap=True, width=100, force_terminal=False, color_system=None
        )
        diagnosis = self.diagnosis
        render(console, diagnosis.verdict, diagnosis.fix, framework=diagnosis.framework)
        return out.getvalue()


def check(
    url: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeadersLike | None = None,
    credentials: bool = False,
    body: str | None = None,
    actual: bool = False,
    browser: Browser = "chrome",
    timeout: float = 10.0,
    app: Any = None,
    cookie: str | None = None,
    framework: str | None = None,
) -> Verdict:
    """Would `browser`, on a page at `origin`, let script read the reply to this fetch()?

    The keywords are fetch()'s (`credentials=True` is `credentials: 'include'`) plus what the
    CLI asks for (`actual`, `cookie`, `framework`, `timeout`); one keyword each, as fetch() has
    them, rather than an options object. With `app` the application is checked in this process.
    """
    request: dict[str, Any] = {
        "origin": origin, "method": method, "headers": headers, "credentials": credentials, "body": body,
        "actual": actual, "browser": browser, "timeout": timeout, "cookie": cookie, "framework": framework,
    }  # fmt: skip
    spec, options, send = _prepare(url, request, app)
    if app is None:
        from cors_doctor.pipeline import run_check

        return Verdict.from_diagnosis(run_check(spec, send, options))
    from cors_doctor.pipeline import run_check_in_process

    return Verdict.from_diagnosis(run_check_in_process(spec, app, timeout, options))


async def check_async(
    url: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeadersLike | None = None,
    credentials: bool = False,
    body: str | None = None,
    actual: bool = False,
    browser: Browser = "chrome",
    timeout: float = 10.0,
    app: Any = None,
    cookie: str | None = None,
    framework: str | None = None,
) -> Verdict:
    """`check` for async code (asyncio or trio): an ASGI application is awaited in the running
    loop; a WSGI application and the network are used from a worker thread."""
    import functools

    import anyio

    request: dict[str, Any] = {
        "origin": origin, "method": method, "headers": headers, "credentials": credentials, "body": body,
        "actual": actual, "browser": browser, "timeout": timeout, "cookie": cookie, "framework": framework,
    }  # fmt: skip
    spec, options, _ = _prepare(url, request, app)
    if app is not None:
        from cors_doctor.net import is_asgi

        if is_asgi(app):
            return Verdict.from_diagnosis(await _check_asgi(app, spec, timeout, options))
    # A WSGI application or the network: the synchronous check, from a worker thread.
    call = functools.partial(check, url, app=app, **{**request, "headers": spec.headers})  # headers may be an iterator
    return await anyio.to_thread.run_sync(call)


async def _check_asgi(app: Any, spec: RequestSpec, timeout: float, options: CheckOptions) -> Diagnosis:
    from cors_doctor.net import AsgiSender, SendOptions
    from cors_doctor.pipeline import run_check_async

    return await run_check_async(spec, AsgiSender(app), SendOptions(timeout=timeout, trust_env=False), options)


def _prepare(url: str, request: dict[str, Any], app: Any) -> tuple[RequestSpec, CheckOptions, SendOptions]:
    """`check`'s keywords (fetch()'s, in `request`) to the pipeline's types, checked as the CLI
    checks its flags."""
    from cors_doctor.net import SendOptions
    from cors_doctor.pipeline import CheckOptions

    browser = request["browser"]
    if browser not in BROWSERS:
        raise UsageError(f"unknown browser {browser!r}; choose chrome, firefox or safari")
    if app is not None and url.startswith("/"):
        from cors_doctor.app_import import app_url

        url = app_url(url, request["origin"])
    framework = request["framework"]
    if app is not None and framework is None:
        from cors_doctor.net import framework_of

        framework = framework_of(app)
    if framework is not None:
        from cors_doctor.fixes import FRAMEWORKS, resolve_framework

        given, framework = framework, resolve_framework(framework)
        if framework is None:
            raise UsageError(f"unknown framework {given!r}; choose {', '.join(FRAMEWORKS)}")
    spec = RequestSpec(
        url=url,
        origin=request["origin"],
        method=request["method"],
        headers=_header_pairs(request["headers"]),
        credentials=request["credentials"],
        body=request["body"],
        browser=browser,
    )
    options = CheckOptions(actual=request["actual"], cookie=request["cookie"], framework=framework)
    return spec, options, SendOptions(timeout=request["timeout"])


def _header_pairs(headers: HeadersLike | None) -> Headers:
    if headers is None:
        return ()
    items = headers.items() if isinstance(headers, Mapping) else headers
    pairs = []
    for item in items:
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise UsageError(f"headers must be (name, value) strings, not {item!r}")
        pairs.append((name, value))
    return tuple(pairs)
