"""`cors-doctor audit`, the judging part: replies to forged origins become findings (pure).

Severity follows exploitability, not the mere presence of a header: what matters is who can
make a browser send the accepted origin (audit.Reach) and whether the reply lets that page read
with the user's cookies (`Access-Control-Allow-Credentials: true`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import SplitResult, urlsplit

from cors_doctor.audit.followup import cookie_trigger
from cors_doctor.audit.model import (
    SUFFIX_LURE,
    AuditFinding,
    AuditResult,
    AuditSeverity,
    AuditTarget,
    ProbeOutcome,
    TrustedStatus,
    is_private_host,
    severity_rank,
)
from cors_doctor.audit.texts import FIX, IMPACT, LEAD, PREFLIGHT_ONLY
from cors_doctor.rules.catalog import rule
from cors_doctor.rules.codes import Code

KIND_CODES = {
    "arbitrary": Code.ORIGIN_REFLECTED,
    "null": Code.NULL_ORIGIN_ALLOWED,
    "prefix": Code.ORIGIN_PREFIX_MATCH,
    "suffix": Code.ORIGIN_SUFFIX_MATCH,
    "substring": Code.ORIGIN_SUBSTRING_MATCH,
    "unescaped-dot": Code.UNESCAPED_DOT_IN_ORIGIN_PATTERN,
    "subdomain": Code.ANY_SUBDOMAIN_TRUSTED,
    "http": Code.HTTP_ORIGIN_TRUSTED,
    "special-char": Code.SPECIAL_CHARACTER_ORIGIN,
    "third-party": Code.THIRD_PARTY_ORIGIN_TRUSTED,
    "localhost": Code.LOCALHOST_ORIGIN_TRUSTED,
}
WILDCARD_CREDENTIALS, WILDCARD, VARY, ERROR_PATH, PRIVATE_NETWORK, MALFORMED = (
    Code.WILDCARD_WITH_CREDENTIALS_AUDIT,
    Code.WILDCARD_ORIGIN,
    Code.VARYING_ALLOW_ORIGIN_WITHOUT_VARY,
    Code.ERROR_REPLY_WITHOUT_CORS_AUDIT,
    Code.PRIVATE_NETWORK_ALLOWED,
    Code.MALFORMED_ALLOW_ORIGIN,
)

# (with credentials, without credentials), for a GET reply that accepted the origin.
_SEVERITY = {
    "anyone": ("high", "low"),
    "browser": ("medium", "low"),
    "subdomain": ("medium", "info"),
    "network": ("medium", "info"),
    "local": ("low", "info"),
}
_ORDER: tuple[AuditSeverity, ...] = ("info", "low", "medium", "high")


def _step_down(severity: AuditSeverity) -> AuditSeverity:
    return _ORDER[max(0, _ORDER.index(severity) - 1)]


def _cap(severity: AuditSeverity, limit: AuditSeverity) -> AuditSeverity:
    return severity if severity_rank(severity) <= severity_rank(limit) else limit


def _no_data(outcome: ProbeOutcome) -> bool:
    """A redirect or a missing resource carries nothing worth stealing."""
    status = outcome.response.status if outcome.response is not None else 0
    return 300 <= status < 400 or status in (404, 410)


def _vary_has_origin(outcome: ProbeOutcome) -> bool:
    tokens = {t.strip().lower() for t in (outcome.header("Vary") or "").split(",")}
    return "origin" in tokens or "*" in tokens


def _hsts_hosts(outcomes: Sequence[ProbeOutcome], url: str) -> tuple[str, bool] | None:
    """(host, includeSubDomains) when the https target sends a live Strict-Transport-Security."""
    if not url.startswith("https:"):
        return None
    for o in outcomes:
        value = (o.header("Strict-Transport-Security") or "").lower()
        directives = {d.strip().split("=")[0]: d.strip() for d in value.split(";")}
        if "max-age" in directives and directives["max-age"].split("=")[-1].strip('" ') not in ("", "0"):
            return urlsplit(url).hostname or "", "includesubdomains" in directives
    return None


def _acceptance_severity(o: ProbeOutcome, hsts: tuple[str, bool] | None) -> AuditSeverity:
    crafted = o.probe.crafted
    assert crafted is not None
    severity: AuditSeverity = _SEVERITY[crafted.reach][0 if o.allows_credentials else 1]  # type: ignore[assignment]
    if crafted.reach == "network" and hsts is not None:
        host = urlsplit(crafted.value).hostname or ""
        if host == hsts[0] or (hsts[1] and host.endswith("." + hsts[0])):
            severity = _step_down(severity)  # browsers that saw HSTS upgrade the http page
    if o.probe.is_preflight:
        severity = _step_down(severity)
    if _no_data(o):
        severity = _cap(severity, "low")
    return severity


def _fold(
    accepted: list[tuple[ProbeOutcome, AuditSeverity]],
) -> tuple[list[tuple[ProbeOutcome, AuditSeverity]], dict[Code, list[str]]]:
    """A broad acceptance makes narrower look-alikes prove nothing more: when any origin is
    echoed (CD701), every other forged origin folds into it; when any subdomain is (CD707), the
    other names under the trusted domain fold into it. Only answers at most as bad as the broad
    one fold (a look-alike granted credentials that the arbitrary origin did not get stays)."""
    broad: dict[tuple[str, bool], int] = {}
    for o, s in accepted:
        kind = o.probe.crafted.kind if o.probe.crafted is not None else ""
        if kind in ("arbitrary", "subdomain"):
            key = (kind, o.probe.is_preflight)
            broad[key] = max(broad.get(key, -1), severity_rank(s))
    kept: list[tuple[ProbeOutcome, AuditSeverity]] = []
    folded: dict[Code, list[str]] = {}
    for o, s in accepted:
        crafted, ctx = o.probe.crafted, o.probe.is_preflight
        into = None
        if crafted is None:  # only forged-origin probes are accepted; a trusted one never folds
            kept.append((o, s))
            continue
        if crafted.kind != "arbitrary" and severity_rank(s) <= broad.get(("arbitrary", ctx), -1):
            into = Code.ORIGIN_REFLECTED
        elif (
            crafted.kind != "subdomain"
            and crafted.reach == "subdomain"
            and severity_rank(s) <= broad.get(("subdomain", ctx), -1)
        ):
            into = Code.ANY_SUBDOMAIN_TRUSTED
        if into is None:
            kept.append((o, s))
        else:
            folded.setdefault(into, []).append(o.probe.origin or "")
    return kept, folded


def _context(outcomes: Sequence[ProbeOutcome]) -> str:
    kinds = dict.fromkeys("preflight" if o.probe.is_preflight else "GET" for o in outcomes)
    return " and ".join(kinds)


def _host(origin: str | None) -> str:
    return (urlsplit(origin or "").hostname or "") if origin and "://" in origin else ""


def _class_of(o: ProbeOutcome, accepted: Sequence[tuple[ProbeOutcome, AuditSeverity]]) -> Code:
    """The weakness an accepted forged origin proves. An odd character after the trusted name
    proves a lax parser only when the plain prefix look-alike was refused. A dot-swapped name
    (`wwwxexample.com`) that still ends with a name whose suffix look-alike (`evilexample.com`) was accepted too proves the
    missing anchor before that name, not an unescaped dot: escaping the dots would change nothing."""
    crafted = o.probe.crafted
    assert crafted is not None
    kinds = {a.probe.crafted.kind for a, _ in accepted if a.probe.crafted is not None}
    if crafted.kind == "special-char" and "prefix" in kinds:
        return Code.ORIGIN_PREFIX_MATCH  # `app.example.com_.evil.example` also starts with the trusted name
    if crafted.kind == "unescaped-dot":
        host = _host(o.probe.origin)
        for other, _ in accepted:
            lure = _host(other.probe.origin)
            is_suffix = other.probe.crafted is not None and other.probe.crafted.kind == "suffix"
            if is_suffix and host.endswith(lure.removeprefix(SUFFIX_LURE)):
                return Code.ORIGIN_SUFFIX_MATCH
    return KIND_CODES[crafted.kind]


def _pick(items: list[tuple[ProbeOutcome, AuditSeverity]], code: str) -> tuple[ProbeOutcome, AuditSeverity]:
    """The strongest proof: the worst severity, a GET before a preflight, the class's own look-alike."""

    def strength(item: tuple[ProbeOutcome, AuditSeverity]) -> tuple[int, bool, bool]:
        crafted = item[0].probe.crafted
        native = crafted is not None and KIND_CODES[crafted.kind] == code
        return severity_rank(item[1]), not item[0].probe.is_preflight, native

    return max(items, key=strength)


def _cookie_evidence(best: ProbeOutcome, outcomes: Sequence[ProbeOutcome]) -> tuple[tuple[ProbeOutcome, ...], str]:
    """For an acceptance that needed a cookie: the reply without one, then the one with it."""
    if best.probe.purpose != "with-cookie":
        return (best,), ""
    trigger = cookie_trigger([o for o in outcomes if o.probe.purpose != "with-cookie"])
    before = trigger if trigger is not None else best
    answered = f"`{before.allow_origin}`" if before.allow_origin is not None else "no Access-Control-Allow-Origin"
    return (before, best), (
        f" Without a cookie the {'preflight' if before.probe.is_preflight else 'GET'} answered {answered}; the same "
        f"GET with a dummy `Cookie` was answered with the origin echoed and credentials allowed. A browser with "
        "a session always sends its cookie, so this is what an attacker's page gets."
    )


def _origin_findings(outcomes: Sequence[ProbeOutcome], url: str) -> list[AuditFinding]:
    """One finding per weakness class, for the forged origins the server accepted."""
    hsts = _hsts_hosts(outcomes, url)
    accepted = [(o, _acceptance_severity(o, hsts)) for o in outcomes if o.probe.crafted is not None and o.accepted]
    accepted, folded = _fold(accepted)
    groups: dict[Code, list[tuple[ProbeOutcome, AuditSeverity]]] = {}
    for o, s in accepted:
        groups.setdefault(_class_of(o, accepted), []).append((o, s))
    findings = []
    for code, items in groups.items():
        best, severity = _pick(items, code)
        origins = tuple(dict.fromkeys(o.probe.origin or "" for o, _ in items))
        origins += tuple(o for o in dict.fromkeys(folded.get(code, [])) if o not in origins)
        creds = best.allows_credentials
        also = [o for o in origins if o != best.probe.origin]
        message = (
            f"{LEAD[code]} Sent `Origin: {best.probe.origin}` ({_context([o for o, _ in items])}); the reply "
            f"allowed it{' with `Access-Control-Allow-Credentials: true`' if creds else ', without credentials'}."
        )
        if also:
            shown = ", ".join(also[:6]) + (f" and {len(also) - 6} more" if len(also) > 6 else "")
            message += f" Also accepted: {shown}."
        evidence, cookie_note = _cookie_evidence(best, outcomes)
        message += cookie_note
        if _no_data(best):
            status = best.response.status if best.response is not None else 0
            message += f" The reply was a {status}, so there is little to read; audit a URL that returns data."
        reach = best.probe.crafted.reach if best.probe.crafted is not None else "anyone"
        impact = IMPACT[(reach, creds)]
        if best.probe.is_preflight and creds:
            impact += PREFLIGHT_ONLY
        findings.append(
            _finding(code, severity, message, impact, evidence, origins, creds, _context([o for o, _ in items]))
        )
    return findings


def _finding(
    code: Code,
    severity: AuditSeverity,
    message: str,
    impact: str,
    evidence: tuple[ProbeOutcome, ...],
    origins: tuple[str, ...] = (),
    credentials: bool | None = None,
    context: str = "",
) -> AuditFinding:
    r = rule(code)
    return AuditFinding(
        code, severity, r.title, message, impact, FIX[code], r.ref, context, evidence, origins, credentials
    )


def _wildcard_findings(outcomes: Sequence[ProbeOutcome]) -> list[AuditFinding]:
    star = [o for o in outcomes if o.probe.origin is not None and o.allow_origin == "*"]
    if not star or any(o.probe.purpose == "with-cookie" and o.accepted for o in outcomes):
        return []  # no `*` at all, or the cookie probe showed the real answer (an echo: CD701 and co.)
    with_creds = [o for o in star if o.allows_credentials]
    if with_creds:
        return [
            _finding(
                WILDCARD_CREDENTIALS,
                "low",
                "The reply allows every origin (`*`) and also sends `Access-Control-Allow-Credentials: true`. "
                "Browsers refuse this pair for credentialed requests, so it is not exploitable as is, but the "
                "server means to share credentialed replies with everyone.",
                "Nothing leaks today; the usual 'fix' (echoing the Origin) would make every site able to read "
                "the user's data.",
                (with_creds[0],),
                (),
                True,
                _context(with_creds),
            )
        ]
    return [
        _finding(
            WILDCARD,
            "info",
            "The reply allows every origin (`*`), without credentials: any page can read it, without cookies.",
            "Public data stays public; only data the user's network position unlocks (intranet, IP allow-lists) "
            "would be exposed.",
            (star[0],),
            (),
            False,
            _context(star),
        )
    ]


def _cache_evidence(outcomes: Sequence[ProbeOutcome]) -> bool:
    """A shared cache answers, or may store, these replies."""
    for o in outcomes:
        if any(
            o.header(h) is not None
            for h in (
                "Age",
                "X-Cache",
                "CF-Cache-Status",
                "X-Varnish",
                "Via",
                "X-Served-By",
                "X-Proxy-Cache",
                "Akamai-Cache-Status",
            )
        ):
            return True
        control = (o.header("Cache-Control") or "").lower()
        if ("public" in control or "s-maxage" in control) and "no-store" not in control and "private" not in control:
            return True
    return False


def _shown(value: str | None) -> str:
    return f"`{value}`" if value is not None else "no header"


def _vary_findings(outcomes: Sequence[ProbeOutcome]) -> list[AuditFinding]:
    gets = [
        o
        for o in outcomes
        if o.response is not None and not o.probe.is_preflight and o.probe.purpose in ("baseline", "trusted", "crafted")
    ]
    if len({o.allow_origin for o in gets}) <= 1:
        return []  # static (or no) Access-Control-Allow-Origin: nothing for a cache to mix up
    per_origin = [o for o in gets if o.allow_origin not in (None, "*") and not _vary_has_origin(o)]
    if per_origin:
        first = per_origin[0]
        other = next(o for o in gets if o.allow_origin != first.allow_origin)
        shared = _cache_evidence(gets)
        return [
            _finding(
                VARY,
                "medium" if shared else "low",
                f"Access-Control-Allow-Origin changes with the request's Origin (`{first.allow_origin}` for "
                f"{first.probe.origin}, {_shown(other.allow_origin)} for {other.probe.origin or 'a request without Origin'})"
                " but the reply has no `Vary: Origin`"
                f"{'; a shared cache answers for this server' if shared else ''}.",
                "A cache (CDN, proxy, browser) can store the reply made for one origin and serve it to another: "
                "an attacker can poison the cache so the real front end breaks, or a reply allowing one site is "
                "replayed to others.",
                (first, other),
            )
        ]
    missing = [o for o in gets if o.allow_origin is None and not _vary_has_origin(o)]
    if missing:
        allowed = next(o for o in gets if o.allow_origin is not None)
        return [
            _finding(
                VARY,
                "info",
                f"Access-Control-Allow-Origin is sent to some requests (`{allowed.allow_origin}` for {allowed.probe.origin}) "
                f"but not to others (for example {missing[0].probe.origin or 'a request without Origin'}), and the replies "
                "without it have no `Vary: Origin`.",
                "A cache can store the reply without CORS headers and serve it to the front end, which then fails "
                "intermittently.",
                (missing[0], allowed),
            )
        ]
    return []


def _error_path_findings(outcomes: Sequence[ProbeOutcome], primary: str) -> tuple[list[AuditFinding], list[str]]:
    main = next(
        (
            o
            for o in outcomes
            if o.probe.purpose == "trusted" and not o.probe.is_preflight and o.probe.origin == primary
        ),
        None,
    )
    error = next((o for o in outcomes if o.probe.purpose == "error-path"), None)
    if main is None or error is None or error.response is None:
        return [], []
    if not (main.accepted or main.allow_origin == "*"):
        return [], []
    if error.response.status < 400:
        return [], [
            f"the error path {error.probe.url} answered {error.response.status}, so CORS on error replies "
            "was not checked"
        ]
    if error.allow_origin is not None:
        return [], []
    return [
        _finding(
            ERROR_PATH,
            "info",
            f"The URL allows {primary}, but a {error.response.status} reply next to it carries no "
            "Access-Control-Allow-Origin.",
            "Not exploitable: the front end cannot read the error and the browser reports a CORS error instead, "
            "which hides the real status from users and developers.",
            (main, error),
            (primary,),
        )
    ], []


def _private_network_findings(
    outcomes: Sequence[ProbeOutcome], url: str, primary: str
) -> tuple[list[AuditFinding], list[str]]:
    findings, notes = [], []
    private = is_private_host(urlsplit(url).hostname or "")
    for o in outcomes:
        if o.probe.purpose != "private-network" or o.response is None:
            continue
        granted = (
            200 <= o.response.status < 300
            and o.header("Access-Control-Allow-Private-Network") == "true"
            and o.allow_origin in (o.probe.origin, "*")
        )
        if o.probe.origin == primary:
            notes.append(
                f"Private Network Access preflight from {primary}: "
                f"{'granted' if granted else 'not granted'} (status {o.response.status})"
            )
        elif granted:
            findings.append(
                _finding(
                    PRIVATE_NETWORK,
                    "low" if private else "info",
                    f"A Private Network Access preflight from {o.probe.origin} was answered with "
                    "`Access-Control-Allow-Private-Network: true`.",
                    "Public web sites may reach this "
                    + ("private or loopback server" if private else "server")
                    + " from the user's browser wherever the browser relies on this header (Chrome before Local "
                    "Network Access prompts).",
                    (o,),
                    (o.probe.origin or "",),
                )
            )
    return findings, notes


def _split(value: str) -> SplitResult | None:
    """The URL parts of a header value, or None when it does not parse (`[` with no address)."""
    try:
        return urlsplit(value)
    except ValueError:
        return None


def _malformed_findings(outcomes: Sequence[ProbeOutcome]) -> list[AuditFinding]:
    for o in outcomes:
        value = o.allow_origin
        if value is None or value in ("*", "null", o.probe.origin):
            continue
        if o.probe.crafted is not None and o.probe.crafted.kind == "special-char":
            continue  # an altered echo of an odd origin, not a broken header
        headers = o.response.headers if o.response is not None else ()
        lines = sum(n.lower() == "access-control-allow-origin" for n, _ in headers)
        parts = _split(value) if "://" in value else None
        if lines > 1 or "," in value or " " in value or "*" in value or parts is None or parts.path or not parts.netloc:
            return [
                _finding(
                    MALFORMED,
                    "info",
                    f"Access-Control-Allow-Origin is `{value}`"
                    f"{f' on {lines} lines' if lines > 1 else ''}: not one origin, so browsers reject it.",
                    "Not exploitable: browsers refuse the reply, so legitimate front ends fail too.",
                    (o,),
                )
            ]
    return []


def _trusted_status(target: AuditTarget, outcomes: Sequence[ProbeOutcome]) -> tuple[TrustedStatus, ...]:
    out = []
    for t in target.trusted:
        get = next(
            (
                o
                for o in outcomes
                if o.probe.purpose == "trusted" and o.probe.origin == t.origin and not o.probe.is_preflight
            ),
            None,
        )
        pre = next(
            (
                o
                for o in outcomes
                if o.probe.purpose == "trusted" and o.probe.origin == t.origin and o.probe.is_preflight
            ),
            None,
        )
        allowed = None if get is None or get.response is None else (get.accepted or get.allow_origin == "*")
        out.append(
            TrustedStatus(
                t.origin,
                t.source,
                allowed,
                bool(get and get.accepted and get.allows_credentials),
                None if pre is None or pre.response is None else pre.accepted,
            )
        )
    return tuple(out)


def _no_data_note(status: int, findings: Sequence[AuditFinding]) -> str:
    """What the no-data cap (_no_data) did to these findings, said from the same rule."""
    note = f"the URL answered {status}: findings that rest on a {status} reply are capped at low"
    kept = [
        f
        for f in findings
        if f.evidence
        and f.evidence[-1].response is not None
        and not _no_data(f.evidence[-1])
        and severity_rank(f.severity) > severity_rank("low")
    ]
    for f in kept:
        proof = f.evidence[-1]
        what = "preflight" if proof.probe.is_preflight else "reply"
        status_text = proof.response.status if proof.response is not None else "?"
        note += f"; {f.code} rests on a {status_text} {what} and is not capped"
        if proof.probe.is_preflight:
            note += " (a preflight that passes lets a page send state-changing requests to this path)"
    return note


def _notes(target: AuditTarget, outcomes: Sequence[ProbeOutcome], findings: Sequence[AuditFinding]) -> list[str]:
    notes = []
    base = next((o for o in outcomes if o.probe.purpose == "baseline"), None)
    if base is not None and base.response is not None:
        status = base.response.status
        if 300 <= status < 400:
            notes.append(
                f"the URL answered {status} (Location: {base.header('Location') or '?'}); redirects are "
                "not followed, so audit the redirect target too"
            )
        elif _no_data(base):
            notes.append(_no_data_note(status, findings))
    if not any(o.allow_origin is not None for o in outcomes):
        notes.append("no reply carried Access-Control-Allow-Origin: nothing here is readable cross-origin")
    failed = [o for o in outcomes if o.error is not None]
    if failed:
        notes.append(f"{len(failed)} of {len(outcomes)} requests failed (first: {failed[0].error})")
    if all(t.source == "derived" for t in target.trusted):
        notes.append(
            "trusted origins were derived from the URL; pass --origin with the real front-end origins "
            "for a sharper audit"
        )
    return notes


def analyse(target: AuditTarget, outcomes: Sequence[ProbeOutcome]) -> AuditResult:
    """Judge every reply of one URL's audit; findings come sorted, most severe first."""
    primary = target.trusted[0].origin
    findings = _origin_findings(outcomes, target.url)
    findings += _wildcard_findings(outcomes)
    findings += _vary_findings(outcomes)
    error_findings, error_notes = _error_path_findings(outcomes, primary)
    pna_findings, pna_notes = _private_network_findings(outcomes, target.url, primary)
    findings += error_findings + pna_findings + _malformed_findings(outcomes)
    findings.sort(key=lambda f: (-severity_rank(f.severity), f.code))
    notes = _notes(target, outcomes, findings) + error_notes + pna_notes
    return AuditResult(target.url, tuple(findings), _trusted_status(target, outcomes), tuple(outcomes), tuple(notes))
