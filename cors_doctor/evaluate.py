"""The browser as a pure state machine: it says what to send next and judges each reply.

`Simulation` does no I/O. A live probe asks `next_request()`, sends it, and `feed()`s the
reply; a HAR or pasted headers feed recorded replies the same way. `verdict()` then gives the
browser's decision. Keeping one machine for every source is what makes the verdicts agree.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from cors_doctor.cookies.parse import cookie_header, parse_cookie_option
from cors_doctor.cookies.report import has_cookies
from cors_doctor.model import (
    Exchange,
    Finding,
    Headers,
    OutgoingRequest,
    Plan,
    Response,
    Step,
    Verdict,
    header_get,
    header_values,
)
from cors_doctor.origin import origin_of
from cors_doctor.plan import actual_request, finding, preflight_request
from cors_doctor.rules import cors_check, exposure, preflight, redirects, reply, safelist, wording
from cors_doctor.rules.codes import Code
from cors_doctor.rules.kinds import FAILURE_CODES, FailureKind
from cors_doctor.rules.messages import FailureContext, browser_message, network_error_message

SAFE_TO_SEND = frozenset({"GET", "HEAD"})


class Simulation:
    """Walks one fetch() through preflight, actual request and redirects, like the browser."""

    def __init__(self, plan: Plan, *, send_actual: bool = False, cookie: str | None = None) -> None:
        self.plan = plan
        self._send_actual = send_actual or plan.method in SAFE_TO_SEND
        # --cookie may describe how each cookie was set (`a=1; SameSite=None; Secure`): the
        # attributes inform the cookie judgement, only name=value pairs go on the wire.
        self._held = parse_cookie_option(cookie) if cookie else None
        self._cookie = cookie_header(self._held) if self._held else None
        self._exchanges: list[Exchange] = []
        self._steps: list[Step] = []
        self._findings: list[Finding] = list(plan.findings)
        self._failure: FailureContext | None = None
        self._pending: OutgoingRequest | None = None
        self._unverified: tuple[str, ...] = ()
        self._exposed: tuple[str, ...] = ()
        self._preflight_passed: bool | None = None
        self._finished = False
        self._url = plan.url
        self._method = plan.method
        self._headers: Headers = plan.headers
        self._body = plan.spec.body
        self._origin_header = plan.origin
        # mode 'no-cors': no preflight, no CORS check, an opaque response (nothing readable).
        self._opaque = plan.spec.mode == "no-cors"
        self._cors = not plan.same_origin and not self._opaque
        self._redirects = 0
        self._hop_preflighted = False
        if plan.mixed_content:
            self._fail(FailureContext("mixed-content", plan.url, plan.url, plan.origin), None)
        else:
            self._start_hop()

    # -- driving -------------------------------------------------------------------------

    def next_request(self) -> OutgoingRequest | None:
        """The request the browser sends next, or None when it is done."""
        return None if self._finished else self._pending

    def feed(self, response: Response | None, network_error: str | None = None) -> None:
        """Give the reply (or network error) for the request from next_request()."""
        request = self._pending
        if request is None or self._finished:
            raise RuntimeError("nothing is waiting for a reply")
        if response is not None and network_error is None:
            network_error = reply.browser_rejects(response.headers)
        self._exchanges.append(Exchange(request, response, network_error))
        if network_error is not None or response is None:
            self._steps.append(Step(f"{request.method} {request.url}", False, f"network error: {network_error}"))
            refused = network_error is not None and network_error.startswith("net::ERR_")
            self._fail(
                FailureContext("network", request.url, self.plan.url, self.plan.origin, hint=network_error or ""),
                Code.REPLY_REJECTED_BY_BROWSER if refused else None,
                f"the browser cannot read the reply to {request.method} {request.url}: {network_error}",
                "make the server send one well-formed reply (no NUL bytes, one value for Content-Length, "
                "Location and Content-Disposition, a final status after any 1xx)",
                request.kind,
            )
            return
        if request.kind == "preflight":
            self._judge_preflight(request, response)
        else:
            self._judge_actual(request, response)

    def verdict(self) -> Verdict:
        """The decision; call after next_request() returned None."""
        allowed = self._failure is None and (self._finished or self._pending is None)
        message = None
        if self._failure is not None:
            message = _message(self.plan, self._failure)
        findings = _dedupe(self._findings)
        verdict = Verdict(
            allowed=allowed,
            plan=self.plan,
            exchanges=tuple(self._exchanges),
            steps=tuple(self._steps),
            findings=findings,
            browser_message=message,
            exposed_headers=self._exposed if allowed else (),
            unverified=self._unverified,
            preflight_passed=self._preflight_passed,
            actual_sent=any(ex.request.kind == "actual" for ex in self._exchanges),
        )
        if not has_cookies(verdict):
            return verdict
        from cors_doctor.rules.cookies import with_cookie_findings

        return with_cookie_findings(verdict, self._held)

    # -- hops ----------------------------------------------------------------------------

    def _start_hop(self) -> None:
        firefox = self.plan.spec.browser == "firefox"
        # The first hop uses the plan's list (built from script's entries, before merging).
        unsafe = (
            self.plan.unsafe_header_names
            if self._redirects == 0
            else safelist.cors_unsafe_request_header_names(self._headers, self.plan.spec.browser)
        )
        needs = self._cors and (
            self._method not in safelist.SAFELISTED_METHODS or bool(unsafe) or self.plan.preflight_forced
        )
        # Firefox and WebKit keep "needs a preflight" across redirects (a PUT turned GET by a
        # 303 is still preflighted); Firefox sends its preflights with the page's Origin even
        # once the actual request's origin became 'null'.
        keeps_preflight = self.plan.spec.browser in ("firefox", "safari")
        needs = needs or (keeps_preflight and self._cors and self._redirects > 0 and self.plan.preflight_required)
        self._unsafe = unsafe
        self._hop_preflighted = needs
        if needs:
            origin = self.plan.origin if firefox else self._origin_header
            self._pending = preflight_request(self.plan, self._url, self._method, unsafe, origin)
        else:
            self._queue_actual()

    def _queue_actual(self) -> None:
        if not self._send_actual:
            self._unverified = (
                "Access-Control-Allow-Origin on the actual reply",
                *(("Access-Control-Allow-Credentials on the actual reply",) if self.plan.spec.credentials else ()),
                "Access-Control-Expose-Headers (which response headers script can read)",
                "the status and CORS headers of error replies and redirects of the actual request",
            )
            self._findings.append(
                finding(
                    Code.ACTUAL_NOT_VERIFIED,
                    f"{self._method} can change data on the server, so the actual request was not sent; "
                    "its reply's CORS headers are unverified",
                    "pass --actual to send it (only against a server where that is safe)",
                    "actual",
                )
            )
            self._steps.append(Step(f"Actual {self._method} {self._url}", None, "not sent (pass --actual)"))
            self._pending = None
            self._finished = True
            return
        # The --cookie jar belongs to the first URL's host: a browser never sends it to another host.
        same_host = urlsplit(self._url).hostname == urlsplit(self.plan.url).hostname
        # A no-cors GET or HEAD goes out without an Origin header (only CORS requests and unsafe methods carry one).
        origin = None if self._opaque and self._method in SAFE_TO_SEND else self._origin_header
        self._pending = actual_request(
            self.plan,
            self._url,
            self._method,
            self._headers,
            self._body,
            origin,
            self._cookie if same_host else None,
        )

    def _fail(self, ctx: FailureContext, code: str | None, message: str = "", fix: str = "", step: str = "") -> None:
        self._failure = ctx
        if code:
            self._findings.append(finding(code, message, fix, step))
        self._pending = None
        self._finished = True

    # -- preflight -----------------------------------------------------------------------

    def _judge_preflight(self, request: OutgoingRequest, response: Response) -> None:
        browser = self.plan.spec.browser
        credentials = self.plan.spec.credentials
        h = response.headers
        self._steps.append(Step(f"Preflight OPTIONS {request.url}", None, f"status {response.status}"))
        ctx = self._context(request, response, on_preflight=True)
        redirected = preflight.is_redirect(response.status, h)
        if redirected and browser != "firefox":  # Firefox runs the CORS check on it first
            return self._fail_preflight_redirect(ctx, h, response)
        ok_status = 200 <= response.status <= 299
        if browser == "safari" and not ok_status:
            return self._fail_status(ctx, response)
        # Firefox judges the preflight against the Origin it sent there: the page's (see _start_hop).
        sent_origin = self.plan.origin if browser == "firefox" else self._origin_header
        access = cors_check.check_access(h, sent_origin, credentials)
        self._record_access_steps(h, access, credentials, "preflight")
        if access is not None:
            self._preflight_passed = False
            return self._fail_access(access, ctx, response, "preflight")
        if redirected:
            return self._fail_preflight_redirect(ctx, h, response)
        if not ok_status:
            return self._fail_status(ctx, response)
        self._steps.append(Step("Preflight has an ok status (2xx)", True, str(response.status)))
        failure, judgement = preflight.judge_preflight_lists(self._method, self._unsafe, h, credentials, browser)
        self._record_list_steps(h, failure)
        if failure is not None:
            self._preflight_passed = False
            return self._fail_list(failure, ctx, h, credentials)
        if judgement is not None and judgement.authorization_by_wildcard:
            self._findings.append(
                finding(
                    Code.AUTHORIZATION_COVERED_BY_WILDCARD,
                    "Authorization is allowed only because Access-Control-Allow-Headers is '*'; browsers accept this today "
                    "with a deprecation warning, but the Fetch Standard says '*' never covers Authorization",
                    "list Authorization explicitly in Access-Control-Allow-Headers",
                    "preflight",
                )
            )
        age = preflight.max_age(h, browser)
        if age.note:
            self._findings.append(
                finding(
                    Code.MAX_AGE, age.note, "send Access-Control-Max-Age: 600 (or up to the browser's cap)", "preflight"
                )
            )
        self._steps.append(
            Step("Preflight result cached", None, f"{age.effective} s in {browser.capitalize()}", age.raw or "")
        )
        self._preflight_passed = True
        self._queue_actual()

    def _fail_preflight_redirect(self, ctx: FailureContext, h: Headers, response: Response) -> None:
        location = header_get(h, "Location") or ""
        self._steps.append(Step("Preflight is not redirected", False, f"{response.status} to {location}"))
        self._preflight_passed = False
        return self._fail(
            replace(ctx, kind="redirect"),
            Code.PREFLIGHT_REDIRECT,
            f"the preflight got {response.status} redirecting to {location}; browsers never follow a preflight redirect",
            f"call the final URL ({location}) directly, and answer OPTIONS there with 2xx",
            "preflight",
        )

    def _context(self, request: OutgoingRequest, response: Response, on_preflight: bool = False) -> FailureContext:
        """What the console message of a failure on this reply names; `kind` is filled in by the failure."""
        return FailureContext(
            "",
            url=request.url,
            initial_url=self.plan.url,
            page_origin=self.plan.origin,
            status=response.status,
            on_preflight=on_preflight,
        )

    def _fail_status(self, ctx: FailureContext, response: Response) -> None:
        self._preflight_passed = False
        self._steps.append(Step("Preflight has an ok status (2xx)", False, str(response.status)))
        return self._fail(
            replace(ctx, kind="status"), Code.PREFLIGHT_STATUS, *wording.preflight_status(response), "preflight"
        )

    def _fail_list(
        self, failure: preflight.PreflightFailure, ctx: FailureContext, h: Headers, credentials: bool
    ) -> None:
        if failure.kind == "header":
            ctx = replace(ctx, script_hint=next((n for n, _ in self._headers if n.lower() == failure.hint), ""))
        message, fix = wording.list_failure(failure, h, credentials)
        value = (
            header_get(
                h,
                "Access-Control-Allow-Methods"
                if failure.kind == "methods-unparsable"
                else "Access-Control-Allow-Headers",
            )
            or ""
        )
        return self._fail(
            replace(ctx, kind=failure.kind, hint=failure.hint, value=value),
            FAILURE_CODES[FailureKind(failure.kind)],
            message,
            fix,
            "preflight",
        )

    # -- actual --------------------------------------------------------------------------

    def _judge_actual(self, request: OutgoingRequest, response: Response) -> None:
        h = response.headers
        credentials = self.plan.spec.credentials
        self._steps.append(Step(f"Actual {request.method} {request.url}", None, f"status {response.status}"))
        ctx = replace(self._context(request, response), request_origin=self._origin_header)
        if self._cors:
            access = cors_check.check_access(h, self._origin_header, credentials)
            self._record_access_steps(h, access, credentials, "actual")
            if access is not None:
                if preflight.is_redirect(response.status, h):
                    ctx = replace(ctx, redirect_to=redirects.redirect_target(request.url, h).url or "")
                if not self._hop_preflighted and request.method not in SAFE_TO_SEND:
                    self._findings.append(
                        finding(
                            Code.REQUEST_REACHED_SERVER,
                            f"the server received and ran this {request.method} (status {response.status}); only reading the reply was blocked",
                            step="actual",
                        )
                    )
                return self._fail_access(access, ctx, response, "actual")
        if preflight.is_redirect(response.status, h):
            return self._follow_redirect(request, response)
        if self._cors and header_get(h, "Access-Control-Allow-Origin") == "null":
            self._findings.append(
                finding(
                    Code.ALLOW_ORIGIN_NULL,
                    "the reply allows the origin 'null'",
                    "allow only the origins you trust",
                    "actual",
                )
            )
        if self._opaque:
            self._exposed = ()
        elif self._cors:
            self._exposed = exposure.exposed_header_names(h, credentials)
        else:
            self._exposed = tuple(sorted({n.lower() for n, _ in h}))
        if self._cors:
            self._steps.append(Step("Response headers readable by script", None, ", ".join(self._exposed) or "(none)"))
            hidden = exposure.hidden_header_names(h, credentials)
            if hidden:
                self._findings.append(
                    finding(
                        Code.HEADER_NOT_EXPOSED,
                        f"script cannot read these response headers: {', '.join(hidden)}",
                        f"add the ones the front end needs to Access-Control-Expose-Headers: {', '.join(hidden)}",
                        "actual",
                    )
                )
            self._check_vary(h)
        self._finished = True
        self._pending = None

    def _check_vary(self, h: Headers) -> None:
        acao = header_get(h, "Access-Control-Allow-Origin")
        if acao is None or acao.strip() == "*":
            return
        vary = {v.strip().lower() for line in header_values(h, "Vary") for v in line.split(",")}
        if "origin" not in vary and "*" not in vary:
            self._findings.append(
                finding(
                    Code.MISSING_VARY_ORIGIN,
                    f"Access-Control-Allow-Origin is {acao.strip()!r} but the reply has no 'Vary: Origin'; if the server "
                    "computes it from the request's Origin, caches can serve it to the wrong origin",
                    "add Vary: Origin to every reply whose CORS headers depend on the Origin",
                    "actual",
                )
            )

    def _follow_redirect(self, request: OutgoingRequest, response: Response) -> None:
        ctx = self._context(request, response)
        self._redirects += 1
        if self._redirects > redirects.MAX_REDIRECTS:
            return self._fail(
                replace(ctx, kind="too-many"),
                Code.TOO_MANY_REDIRECTS,
                f"more than {redirects.MAX_REDIRECTS} redirects",
                "remove the redirect loop",
                "actual",
            )
        target = redirects.redirect_target(request.url, response.headers)
        if target.problem == "userinfo":
            # Chromium 156 prints an empty location ("Redirect location ''"); Safari names it.
            location = urljoin(request.url, target.location.strip())
            return self._fail(
                replace(ctx, kind="userinfo", hint="", redirect_to=location),
                Code.REDIRECT_WITH_CREDENTIALS_IN_URL,
                f"the redirect Location {target.location!r} contains user:password",
                "redirect to a URL without user info",
                "actual",
            )
        if target.problem == "scheme":
            return self._fail(
                FailureContext("scheme", target.location, self.plan.url, self.plan.origin, status=response.status),
                Code.UNSUPPORTED_SCHEME,
                f"the redirect goes to {target.location!r}: CORS requests can only go to http(s) URLs",
                "redirect to an http(s) URL",
                "actual",
            )
        if target.url is None:
            kind = "invalid-location" if target.problem == "invalid-location" else "location"
            return self._fail(
                replace(ctx, kind=kind, hint=target.location),
                Code.REDIRECT_BAD_LOCATION,
                f"the redirect Location {target.location!r} is not an http(s) URL",
                "redirect to an http(s) URL",
                "actual",
            )
        self._steps.append(Step(f"Redirect {response.status}", True, f"to {target.url}"))
        method, headers, body = redirects.rewrite_for_redirect(response.status, self._method, self._headers, self._body)
        if method != self._method:
            self._findings.append(
                finding(
                    Code.REDIRECT_CHANGES_METHOD,
                    f"the {response.status} turns {self._method} into GET and drops the body",
                    "use 307 or 308 to keep the method",
                    "actual",
                )
            )
        current, nxt = origin_of(request.url), origin_of(target.url)
        if current != nxt:
            headers = tuple((n, v) for n, v in headers if n.lower() != "authorization")
            if (
                (self._cors or self._opaque)
                and self.plan.origin != current.serialize()
                and self._origin_header != "null"
            ):
                self._origin_header = "null"
                self._findings.append(
                    finding(
                        Code.ORIGIN_BECOMES_NULL,
                        f"the redirect from {current} to {nxt} makes the request's origin 'null'",
                        f"call {target.url} directly, or answer with Access-Control-Allow-Origin: * (no credentials)",
                        "actual",
                    )
                )
        if not self._cors and not self._opaque and nxt.serialize() != self.plan.origin:
            self._cors = True
        self._url, self._method, self._headers, self._body = target.url, method, headers, body
        self._start_hop()

    # -- shared --------------------------------------------------------------------------

    def _record_access_steps(
        self, h: Headers, access: cors_check.AccessFailure | None, credentials: bool, where: str
    ) -> None:
        acao = header_values(h, "Access-Control-Allow-Origin")
        seen = " | ".join(acao) if acao else "(absent)"
        origin_ok = access is None or access.kind == "credentials"
        self._steps.append(Step(f"Access-Control-Allow-Origin matches {self._origin_header}", origin_ok, "", seen))
        if credentials and origin_ok:
            acac = header_values(h, "Access-Control-Allow-Credentials")
            self._steps.append(
                Step(
                    "Access-Control-Allow-Credentials is 'true'",
                    access is None,
                    "",
                    " | ".join(acac) if acac else "(absent)",
                )
            )

    def _record_list_steps(self, h: Headers, failure: preflight.PreflightFailure | None) -> None:
        kind = failure.kind if failure else None
        if kind in ("methods-unparsable",):
            self._steps.append(
                Step(
                    "Access-Control-Allow-Methods parses",
                    False,
                    "",
                    header_get(h, "Access-Control-Allow-Methods") or "",
                )
            )
            return
        if kind in ("headers-unparsable",):
            self._steps.append(
                Step(
                    "Access-Control-Allow-Headers parses",
                    False,
                    "",
                    header_get(h, "Access-Control-Allow-Headers") or "",
                )
            )
            return
        self._steps.append(
            Step(
                f"Access-Control-Allow-Methods allows {self._method}",
                kind != "method",
                "",
                header_get(h, "Access-Control-Allow-Methods") or "(absent)",
            )
        )
        if kind != "method" and self._unsafe:
            self._steps.append(
                Step(
                    f"Access-Control-Allow-Headers allows {', '.join(self._unsafe)}",
                    kind != "header",
                    "",
                    header_get(h, "Access-Control-Allow-Headers") or "(absent)",
                )
            )

    def _fail_access(
        self, access: cors_check.AccessFailure, ctx: FailureContext, response: Response, where: str
    ) -> None:
        if access.kind == "missing" and response.status >= 400 and where == "actual":
            self._findings.append(
                finding(Code.ERROR_REPLY_WITHOUT_CORS, *wording.error_reply_without_cors(response), where)
            )
        message, fix = wording.access_failure(access, self._origin_header, response, where)
        return self._fail(
            replace(ctx, kind=access.kind, hint=access.hint, acao_lines=access.lines),
            FAILURE_CODES[FailureKind(access.kind)],
            message,
            fix,
            where,
        )


# Redirect failures Chromium reports only as net::ERR_*, while Firefox and WebKit print a CORS line.
_OWN_LINE_ELSEWHERE = frozenset({"too-many", "location", "invalid-location"})


def _message(plan: Plan, failure: FailureContext) -> str | None:
    if failure.kind == "network" and failure.hint.startswith("net::ERR_"):
        return network_error_message(plan.spec.browser, failure.url, failure.hint, plan.spec.client != "fetch")
    if failure.kind in _OWN_LINE_ELSEWHERE and plan.spec.browser != "chrome":
        return browser_message(plan.spec.browser, failure)  # only Chromium prints no CORS line
    if failure.kind in ("network", "too-many", "location", "invalid-location"):
        return {
            "network": f"net::ERR_FAILED ({failure.hint})",
            "too-many": "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
            "location": "Failed to load resource: net::ERR_UNSAFE_REDIRECT",
            "invalid-location": "Failed to load resource: net::ERR_INVALID_REDIRECT",
        }[failure.kind]
    if plan.spec.client != "fetch":
        failure = replace(failure, initiator="XMLHttpRequest")
    return browser_message(plan.spec.browser, failure)


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    order = {"error": 0, "warning": 1, "info": 2}
    return tuple(sorted(out, key=lambda f: order[f.severity]))


def evaluate(plan: Plan, responses: list[Response | None], *, send_actual: bool = True) -> Verdict:
    """Judge recorded replies offline: feed them in the order the browser would ask."""
    sim = Simulation(plan, send_actual=send_actual)
    for response in responses:
        if sim.next_request() is None:
            break
        sim.feed(response, None if response is not None else "no response recorded")
    return sim.verdict()
