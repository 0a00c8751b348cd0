"""Judge the cross-origin requests a HAR file recorded, offline, with the evaluator `check` uses.

Entries stream in from har_stream, so memory stays flat however long the file. Chrome's DevTools
records a preflight as an entry of its own that starts just after its request, and each hop of a
redirect as another entry: a request waits until WINDOW newer cross-origin requests have come in,
so that these can join it (other entries do not count). Then evaluate.Simulation is fed what the browser received, exactly as a live probe feeds
it. Where the browser blocked the request and kept no reply, the result says so and carries the
`cors-doctor check` that reproduces it; `har --live` runs those (har_live).
"""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

from cors_doctor.check_args import CheckArgs
from cors_doctor.errors import CorsDoctorError
from cors_doctor.evaluate import Simulation
from cors_doctor.har.entries import (
    HarEntry,
    is_cors_request,
    origin_text,
    read_entry,
    requested_headers,
    script_headers,
)
from cors_doctor.har.stream import HarReader
from cors_doctor.model import Browser, OutgoingRequest, Plan, RequestSpec, Response, Verdict, header_get
from cors_doctor.origin import normalize_url, resolve_url
from cors_doctor.plan import build_plan

WINDOW = 64  # newer cross-origin requests a request waits for, for its preflight and redirect hops
PREFLIGHT_KEYS = 4096  # (url, method) pairs whose preflights are kept: later requests reuse cached ones
PREFLIGHTS_PER_KEY = 8
SLACK = 2.0  # seconds a preflight may start after its request ended and still belong to it
_EXAMPLE_VALUES = {"content-type": "application/json", "authorization": "Bearer (unknown)"}

Row = dict


@dataclass
class Summary:
    """Counts over the whole file (bounded: no per-request data)."""

    entries: int = 0
    cors_requests: int = 0
    blocked: int = 0
    allowed: int = 0
    not_judged: int = 0
    failed_in_browser: int = 0
    same_origin: int = 0
    no_cors: int = 0
    other: int = 0
    preflights: int = 0
    preflights_unpaired: int = 0
    codes: Counter = field(default_factory=Counter)
    pages: int = 0
    browser: str = "chrome"
    creator: str = ""


@dataclass
class _Pending:
    entry: HarEntry
    origin: str
    hops: list[HarEntry] = field(default_factory=list)
    waiting_for: str | None = None  # URL of the next redirect hop


def _key(check: CheckArgs) -> str:
    return hashlib.sha256(check.shell(show_secrets=True).encode()).hexdigest()[:16]


def _same_url(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return normalize_url(a) == normalize_url(b)
    except CorsDoctorError:
        return False


def _redirect_target(entry: HarEntry) -> str | None:
    if not 300 <= entry.status < 400:
        return None
    location = entry.redirect_url or header_get(entry.response_headers, "Location")
    if not location:
        return None
    # As the browser resolved it; a Location it could not resolve is kept as written, for the report.
    return resolve_url(entry.url, location.strip()) or urljoin(entry.url, location.strip())


def _passing_preflight(request: OutgoingRequest, plan: Plan) -> Response:
    """Stands in for a preflight the HAR left out although the browser then sent the request:
    it passed, so its details do not matter; findings about it are dropped."""
    h = request.headers
    headers = [
        ("Access-Control-Allow-Origin", header_get(h, "Origin") or plan.origin),
        ("Access-Control-Allow-Methods", header_get(h, "Access-Control-Request-Method") or plan.method),
    ]
    if header_get(h, "Access-Control-Request-Headers"):
        headers.append(("Access-Control-Allow-Headers", header_get(h, "Access-Control-Request-Headers") or ""))
    if plan.spec.credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return Response(204, tuple(headers))


class HarJudge:
    """Walks a HAR once and calls `on_row` with one row per cross-origin CORS request."""

    def __init__(
        self,
        reader: HarReader,
        on_row: Callable[[Row], None],
        *,
        browser: Browser | None = None,
        show_secrets: bool = False,
        collect_live: bool = True,
    ) -> None:
        self.reader = reader
        self.on_row = on_row
        self.show_secrets = show_secrets
        self.collect_live = collect_live
        self.summary = Summary()
        self.live_jobs: dict[str, CheckArgs] = {}  # key -> check, for --live (kept unmasked, in memory only)
        self._browser = browser
        self._pending: deque[_Pending] = deque()
        self._expected: dict[str, _Pending] = {}
        self._preflights: OrderedDict[tuple[str, str], list[HarEntry]] = OrderedDict()
        self._used: set[int] = set()
        self._page_origins: dict[str, str] = {}

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            name = f"{self.reader.browser.get('name', '')} {self.reader.creator.get('name', '')}".lower()
            self._browser = (
                "firefox" if "firefox" in name else "safari" if ("safari" in name or "webkit" in name) else "chrome"
            )
        return self._browser

    def run(self) -> Summary:
        for index, raw in self.reader.entries():
            self._take(read_entry(index, raw, self.reader.name))
        while self._pending:
            self._judge(self._pending.popleft())
        for key in list(self._preflights):
            self._retire(self._preflights.pop(key))
        self.summary.browser = self.browser
        self.summary.creator = str(self.reader.creator.get("name") or "")
        self.summary.pages = len(self.reader.pages)
        return self.summary

    # -- intake --------------------------------------------------------------------------------

    def _take(self, entry: HarEntry) -> None:
        s = self.summary
        s.entries += 1
        if not self._page_origins and self.reader.pages:
            self._learn_pages()
        if entry.is_document and 200 <= entry.status < 300 and entry.pageref:
            origin = origin_text(entry.url)
            if origin:
                self._page_origins[entry.pageref] = origin
        if entry.is_preflight:
            s.preflights += 1
            self._keep_preflight(entry)
            return
        parent = self._expected.pop(entry.url, None)
        if parent is not None:
            parent.hops.append(entry)
            self._expect(parent, _redirect_target(entry))
            return
        target = origin_text(entry.url)
        origin = self._origin(entry)
        if target is None or origin is None:
            s.other += 1
            return
        if origin == target:
            s.same_origin += 1
            return
        if not is_cors_request(entry):
            s.no_cors += 1
            return
        pending = _Pending(entry, origin)
        self._pending.append(pending)
        self._expect(pending, _redirect_target(entry))
        if len(self._pending) > WINDOW:
            self._judge(self._pending.popleft())

    def _learn_pages(self) -> None:
        for page in self.reader.pages:
            origin = origin_text(str(page.get("title") or ""))  # DevTools titles a page with its URL
            if origin and page.get("id"):
                self._page_origins.setdefault(str(page["id"]), origin)

    def _origin(self, entry: HarEntry) -> str | None:
        """The request's origin: its Origin header, else the page that made it."""
        origin = entry.header("Origin")
        if origin:
            return origin.strip()
        referer = entry.header("Referer")
        if referer:
            from_referer = origin_text(referer.strip())
            if from_referer:
                return from_referer
        return self._page_origins.get(entry.pageref)

    def _expect(self, pending: _Pending, target: str | None) -> None:
        if pending.waiting_for is not None:
            self._expected.pop(pending.waiting_for, None)
        pending.waiting_for = target
        if target is not None:
            self._expected[target] = pending

    def _keep_preflight(self, entry: HarEntry) -> None:
        key = (entry.url, entry.header("Access-Control-Request-Method") or "")
        kept = self._preflights.pop(key, [])
        kept.append(entry)
        if len(kept) > PREFLIGHTS_PER_KEY:
            self._retire([kept.pop(0)])
        self._preflights[key] = kept
        if len(self._preflights) > PREFLIGHT_KEYS:
            self._retire(self._preflights.popitem(last=False)[1])

    def _find_preflight(self, url: str, method: str, around: HarEntry) -> HarEntry | None:
        """The recorded preflight that served this request: same URL and method, closest in time,
        not started after the request had finished."""
        candidates = self._preflights.get((url, method)) or []
        latest = around.started + around.duration + SLACK
        fitting = [pf for pf in candidates if not (pf.started and around.started) or pf.started <= latest]
        if not fitting:
            return None
        best = min(fitting, key=lambda pf: abs(pf.started - around.started))
        self._used.add(best.index)
        return best

    # -- judging -------------------------------------------------------------------------------

    def _judge(self, p: _Pending) -> None:
        if p.waiting_for is not None and self._expected.get(p.waiting_for) is p:
            del self._expected[p.waiting_for]
        entry = p.entry
        s = self.summary
        s.cors_requests += 1
        first_pf = self._find_preflight(entry.url, entry.method, entry)
        headers = script_headers(entry, self.browser, requested_headers(first_pf) if first_pf else None)
        credentials = entry.cookies is not None
        body = entry.post_data if entry.method.upper() not in ("GET", "HEAD") else None
        spec = RequestSpec(entry.url, p.origin, entry.method, headers, credentials, body, self.browser)
        try:
            plan = build_plan(spec)
        except CorsDoctorError as exc:
            return self._emit(self._row(p, None, "not-judged", None, f"the recorded request cannot be rebuilt: {exc}"))
        verdict, preflight, reason = self._simulate(plan, p, first_pf)
        if verdict is not None and not credentials:
            # A HAR does not record the credentials mode: a request that sent no cookie may still have been
            # made with credentials: 'include' (a first login), so "Set-Cookie ignored" cannot be told.
            verdict = replace(verdict, findings=tuple(f for f in verdict.findings if f.code != "CD801"))
        if verdict is not None and verdict.allowed and entry.error and not credentials:
            verdict, reason = self._maybe_credentials(plan, p, first_pf, verdict)
        check = self._check(plan, p, verdict, preflight)
        if verdict is None:
            row = self._row(p, check, "not-judged", None, reason, preflight)
        else:
            row = self._row(
                p,
                check if not verdict.allowed else None,
                "allowed" if verdict.allowed else "blocked",
                verdict,
                reason,
                preflight,
            )
        self._emit(row)

    def _simulate(self, plan: Plan, p: _Pending, first_pf: HarEntry | None) -> tuple[Verdict | None, str, str]:
        """Feed the recorded replies; (verdict, preflight state, note) — no verdict when a reply is missing."""
        sim = Simulation(plan, send_actual=True)
        hops = [p.entry, *p.hops]
        i, state, stood_in = 0, "not-needed", False
        for _ in range(64):
            request = sim.next_request()
            if request is None:
                break
            hop = hops[i] if i < len(hops) else None
            if request.kind == "preflight":
                method = header_get(request.headers, "Access-Control-Request-Method") or plan.method
                url = hop.url if hop is not None and _same_url(hop.url, request.url) else request.url
                pf = first_pf if i == 0 and first_pf is not None else self._find_preflight(url, method, hop or p.entry)
                if pf is not None and pf.has_response:
                    sim.feed(pf.response())
                    state = "recorded"
                    continue
                if hop is not None and hop.has_response and _same_url(hop.url, request.url):
                    sim.feed(_passing_preflight(request, plan))
                    state, stood_in = "not-recorded", True
                    continue
                return None, "not-recorded" if pf is None else "no-reply", self._missing(p, request, preflight=True)
            if hop is None or not _same_url(hop.url, request.url) or not hop.has_response:
                return None, state, self._missing(p, request, preflight=False)
            sim.feed(hop.response())
            i += 1
        verdict = sim.verdict()
        note = ""
        if stood_in:
            verdict = replace(verdict, findings=tuple(f for f in verdict.findings if f.step != "preflight"))
            note = "the HAR has no preflight for it, but the browser went on to send the request, so it passed"
        return verdict, state, note

    def _missing(self, p: _Pending, request: OutgoingRequest, preflight: bool) -> str:
        what = (
            "its preflight"
            if preflight
            else ("the reply" if request.url == p.entry.url else f"the reply of {request.url}")
        )
        if p.entry.error:
            return f"the browser failed it ({p.entry.error}) and the HAR has no record of {what}"
        return f"the HAR has no record of {what} (the request did not finish)"

    def _maybe_credentials(
        self, plan: Plan, p: _Pending, first_pf: HarEntry | None, verdict: Verdict
    ) -> tuple[Verdict, str]:
        """The browser failed a request whose recorded replies pass: credentials: 'include' leaves no
        trace in a HAR when no cookie was sent; judge it that way if that reproduces the failure."""
        try:
            with_credentials = build_plan(replace(plan.spec, credentials=True))
        except CorsDoctorError:
            return verdict, ""
        second, _, _ = self._simulate(with_credentials, p, first_pf)
        if second is not None and not second.allowed:
            return second, (
                "judged with credentials: 'include': the browser failed this request, the recorded "
                "replies pass without credentials, and a HAR does not record the credentials mode"
            )
        return verdict, f"the browser reported {p.entry.error}, but the recorded replies pass the CORS checks"

    def _check(self, plan: Plan, p: _Pending, verdict: Verdict | None, preflight: str) -> CheckArgs:
        """The check that reproduces the request; --actual when the failing reply is the request's own."""
        method = plan.method
        unsafe = method not in ("GET", "HEAD")
        failed_after_preflight = verdict is not None and verdict.preflight_passed is True
        needs_actual = unsafe and (not plan.preflight_required or failed_after_preflight)
        credentials = plan.spec.credentials or (verdict is not None and verdict.plan.spec.credentials)
        return CheckArgs(
            plan.url, plan.origin, plan.spec.method, plan.spec.headers, credentials, needs_actual, plan.spec.browser
        )

    def _row(
        self,
        p: _Pending,
        check: CheckArgs | None,
        outcome: str,
        verdict: Verdict | None,
        note: str,
        preflight: str = "not-needed",
    ) -> Row:
        entry = p.entry
        live_key = None
        if check is not None and outcome == "not-judged" and self.collect_live:
            live_key = _key(check)
            self.live_jobs[live_key] = check
        errors = [f for f in verdict.findings if f.severity == "error"] if verdict else []
        return {
            "entry": entry.index,
            "started": entry.started_text or None,
            "method": entry.method,
            "url": entry.url,
            "origin": p.origin,
            "credentials": (verdict.plan.spec.credentials if verdict else entry.cookies is not None),
            "status": entry.status if entry.has_response else None,
            "recorded_error": entry.error or None,
            "verdict": outcome,
            "judged_from": "har" if verdict is not None else None,
            "preflight": preflight,
            "redirects": len(p.hops),
            "browser_message": verdict.browser_message if verdict else None,
            "code": errors[0].code if errors else None,
            "findings": [f.to_dict() for f in verdict.findings] if verdict else [],
            "note": note or None,
            "check": check.shell(self.show_secrets) if check is not None else None,
            "live": live_key,  # replaced by the live result, when there is one
        }

    def _emit(self, row: Row) -> None:
        s = self.summary
        if row["verdict"] == "blocked":
            s.blocked += 1
            s.codes[row["code"] or "?"] += 1
        elif row["verdict"] == "allowed":
            s.allowed += 1
        else:
            s.not_judged += 1
            s.failed_in_browser += row["recorded_error"] is not None
        self.on_row(row)

    # -- preflights without their request ------------------------------------------------------

    def _retire(self, preflights: list[HarEntry]) -> None:
        """Preflights no request claimed: a failing one is a diagnosis of its own."""
        for pf in preflights:
            if pf.index in self._used:
                self._used.discard(pf.index)
                continue
            self.summary.preflights_unpaired += 1
            origin = self._origin(pf)
            method = pf.header("Access-Control-Request-Method")
            if not pf.has_response or origin is None or not method:
                continue
            headers = tuple((name, _EXAMPLE_VALUES.get(name, "(unknown)")) for name in sorted(requested_headers(pf)))
            try:
                plan = build_plan(RequestSpec(pf.url, origin, method, headers, False, None, self.browser))
            except CorsDoctorError:
                continue
            sim = Simulation(plan, send_actual=False)
            request = sim.next_request()
            if request is None or request.kind != "preflight":
                continue
            sim.feed(pf.response())
            verdict = sim.verdict()
            if verdict.allowed:
                continue  # it passed; what followed is not in the HAR
            p = _Pending(pf, origin)
            check = CheckArgs(plan.url, origin, method, headers, False, False, self.browser)
            self.summary.cors_requests += 1
            row = self._row(
                p, check, "blocked", verdict, "the HAR has this preflight but not the request it was for", "recorded"
            )
            self._emit(row | {"method": method, "status": None})
