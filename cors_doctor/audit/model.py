"""`cors-doctor audit`, the pure part: which origins to forge, which requests to send (no I/O).

A security reviewer gives a URL and the origins the API is meant to trust. From each trusted
origin we derive look-alike origins an attacker could own or fake (prefix and suffix tricks, an
unescaped regex dot, any subdomain, plain http, odd characters, shared hosting), plus `null` and
an arbitrary origin. audit_findings.py turns the replies into findings; audit_probe.py sends.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal
from urllib.parse import urljoin, urlsplit

from cors_doctor.errors import UsageError
from cors_doctor.model import Headers, Response
from cors_doctor.origin import DEFAULT_PORTS, normalize_url, origin_of, parse_origin

AuditSeverity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[AuditSeverity, ...] = ("high", "medium", "low", "info")

# Who can make a victim's browser send a crafted Origin; severity follows from it.
Reach = Literal["anyone", "browser", "subdomain", "network", "local"]

ATTACKER_DOMAIN = "evil.example"  # RFC 2606 reserved: never a real site
ARBITRARY_ORIGIN = f"https://{ATTACKER_DOMAIN}"
PREFLIGHT_METHOD = "PUT"

# Characters a hand-written host extractor stops at. Every character class such a parser uses
# holds letters, digits, `.` and `-`: `_` is outside the classes without `\w`, a backtick is
# outside every class (and Safari puts it in a host name), `%60` catches parsers that decode
# first. A parser that stops at any other odd character (`!`, `$`, `{`, ...) also stops at the
# backtick, so those would only repeat its answer.
SPECIAL_CHARACTERS = ("_", "`", "%60")
# Look-alikes of type "suffix" are this word glued in front of a trusted name.
SUFFIX_LURE = "evil"

# Places where anyone can publish a page under a shared name.
THIRD_PARTY_ORIGINS = (
    "https://evil.github.io",
    "https://evil.gitlab.io",
    "https://evil.netlify.app",
    "https://evil.vercel.app",
    "https://evil.pages.dev",
    "https://evil.herokuapp.com",
    "https://evil.web.app",
    "https://cdpn.io",
    "https://fiddle.jshell.net",
    "https://output.jsbin.com",
    "https://evil.repl.co",
)
LOCAL_ORIGINS = ("http://localhost", "http://localhost:3000", "http://127.0.0.1")


@dataclass(frozen=True)
class TrustedOrigin:
    """An origin the API is meant to serve, given with --origin or derived from the URL."""

    origin: str
    scheme: str
    host: str
    port: int | None  # None for the scheme's default port
    source: Literal["given", "derived"]

    @property
    def registrable(self) -> str | None:
        return registrable_domain(self.host)

    def with_host(self, host: str, scheme: str | None = None) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{scheme or self.scheme}://{host}{port}"


@dataclass(frozen=True)
class CraftedOrigin:
    """One forged Origin value and the weakness its acceptance proves."""

    value: str
    kind: str  # key of audit_findings.KIND_CODES
    reach: Reach
    derived_from: str = ""
    preflight: bool = True


@dataclass(frozen=True)
class Probe:
    """One request of an audit. `origin` is the raw Origin value (None: no Origin header)."""

    key: str
    purpose: Literal["baseline", "trusted", "crafted", "error-path", "private-network", "with-cookie"]
    method: str
    url: str
    headers: Headers
    origin: str | None = None
    crafted: CraftedOrigin | None = None
    trusted: str | None = None

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS"


@dataclass(frozen=True)
class ProbeOutcome:
    """A probe and its reply, or the transport error that replaced the reply."""

    probe: Probe
    response: Response | None = None
    error: str | None = None

    @cached_property
    def _by_name(self) -> dict[str, str]:
        """Fetch's "get" for every header at once (lines joined with ", "): the judging asks a
        dozen names per reply, and one pass beats a scan per name over thousands of replies."""
        joined: dict[str, list[str]] = {}
        for name, value in self.response.headers if self.response is not None else ():
            joined.setdefault(name.lower(), []).append(value)
        return {name: ", ".join(values) for name, values in joined.items()}

    def header(self, name: str) -> str | None:
        return self._by_name.get(name.lower())

    @property
    def allow_origin(self) -> str | None:
        return self.header("Access-Control-Allow-Origin")

    @property
    def allows_credentials(self) -> bool:
        return self.header("Access-Control-Allow-Credentials") == "true"

    @property
    def accepted(self) -> bool:
        """The reply lets a page at the probe's origin read it (a preflight also needs a 2xx)."""
        if self.response is None or self.probe.origin is None or self.allow_origin != self.probe.origin:
            return False
        return not self.probe.is_preflight or 200 <= self.response.status < 300


@dataclass(frozen=True)
class AuditTarget:
    """A URL to audit and everything needed to plan its probes."""

    url: str
    trusted: tuple[TrustedOrigin, ...]
    extra_headers: Headers = ()
    preflight_method: str = PREFLIGHT_METHOD


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


@functools.cache
def _public_suffix_list():
    """The Public Suffix List (ICANN and private sections, e.g. gov.br, gouv.fr, ac.at,
    myshopify.com, github.io) from the `publicsuffixlist` package; built once, when an audit
    first needs it (~150 ms), so other commands never pay for it."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def registrable_domain(host: str) -> str | None:
    """The domain someone registers to own `host` (public suffix plus one label, per the Public
    Suffix List); None for IP addresses, single-label names like localhost and public suffixes
    themselves (nobody owns all of github.io)."""
    host = host.lower().rstrip(".")
    if is_ip(host) or "." not in host:
        return None
    return _public_suffix_list().privatesuffix(host)


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local addresses and local-only names (no DNS lookup)."""
    h = host.strip("[]").lower()
    if h == "localhost" or h.endswith((".localhost", ".local", ".internal", ".lan", ".home.arpa")):
        return True
    try:
        address = ipaddress.ip_address(h)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _trusted(origin: str, source: Literal["given", "derived"]) -> TrustedOrigin:
    parsed = parse_origin(origin)
    if parsed.opaque:
        raise UsageError("--origin null: `null` is never a trusted origin; the audit always probes it")
    port = None if parsed.port == DEFAULT_PORTS.get(parsed.scheme) else parsed.port
    return TrustedOrigin(parsed.serialize(), parsed.scheme, parsed.host, port, source)


def make_target(
    url: str, origins: Sequence[str] = (), extra_headers: Headers = (), preflight_method: str = PREFLIGHT_METHOD
) -> AuditTarget:
    """Validate the URL and the trusted origins; without any, derive candidates from the URL:
    its own origin, then the registrable domain and its www name."""
    url = normalize_url(url)
    if origins:
        trusted = tuple(dict.fromkeys(_trusted(o, "given") for o in origins))
    else:
        own = origin_of(url)
        candidates = [own.serialize()]
        domain = registrable_domain(own.host)
        if domain:
            candidates += [f"{own.scheme}://{domain}", f"{own.scheme}://www.{domain}"]
        trusted = tuple(_trusted(o, "derived") for o in dict.fromkeys(candidates))
    return AuditTarget(url, trusted, tuple(extra_headers), preflight_method.upper())


def _host_variants(t: TrustedOrigin, preflight: bool) -> list[CraftedOrigin]:
    """Look-alikes of one trusted origin's host; the reach is decided later from the name."""
    out: list[CraftedOrigin] = []
    h, d = t.host, t.registrable

    def add(kind: str, host: str, scheme: str | None = None) -> None:
        out.append(CraftedOrigin(t.with_host(host, scheme), kind, "anyone", t.origin, preflight))

    if t.scheme == "https":
        add("http", h, scheme="http")
    if h.startswith("["):
        return out  # IPv6 literals admit no look-alike names
    # Whatever accepts `hostevil.example` (startswith, an unanchored pattern) accepts this too.
    add("prefix", f"{h}.{ATTACKER_DOMAIN}")
    if not is_ip(h) and d is not None:
        for name in dict.fromkeys([d, h]):
            add("suffix", f"{SUFFIX_LURE}{name}")  # `evil-name` passes exactly the same tests
        add("substring", h[:-1])
        add("substring", d[1:])
        # Every dot of the subdomain part, up to the one before the registrable domain.
        sub = h[: -len(d)].rstrip(".").split(".") if h != d else []
        for i in range(len(sub)):
            add("unescaped-dot", ".".join(sub[: i + 1]) + "x" + ".".join([*sub[i + 1 :], d]))
        for name in dict.fromkeys([h, d]):
            add("subdomain", f"evil.{name}")
    return out


def crafted_origins(trusted: Sequence[TrustedOrigin]) -> tuple[CraftedOrigin, ...]:
    """Every forged origin for these trusted origins, without duplicates or trusted values.
    Odd characters and preflights are tried on the first trusted origin only, to keep the
    number of requests modest; the parser and the preflight path do not depend on the name."""
    found: list[CraftedOrigin] = [
        CraftedOrigin(ARBITRARY_ORIGIN, "arbitrary", "anyone"),
        CraftedOrigin("null", "null", "anyone"),
    ]
    for i, t in enumerate(trusted):
        found += _host_variants(t, preflight=i == 0)
    if trusted and not trusted[0].host.startswith("["):
        first = trusted[0]
        found += [
            CraftedOrigin(
                first.with_host(f"{first.host}{c}.{ATTACKER_DOMAIN}"),
                "special-char",
                "browser",
                first.origin,
                preflight=False,
            )
            for c in SPECIAL_CHARACTERS
        ]
    found += [CraftedOrigin(o, "third-party", "anyone", preflight=False) for o in THIRD_PARTY_ORIGINS]
    found += [CraftedOrigin(o, "localhost", "local", preflight=False) for o in LOCAL_ORIGINS]
    trusted_values = {t.origin for t in trusted}
    trusted_domains = {t.registrable or t.host for t in trusted}
    unique: dict[str, CraftedOrigin] = {}
    for c in found:
        if c.value in trusted_values or c.value in unique:
            continue
        unique[c.value] = _with_reach(c, trusted_domains)
    return tuple(unique.values())


def _with_reach(c: CraftedOrigin, trusted_domains: set[str]) -> CraftedOrigin:
    """Who could own this origin: names under a trusted registrable domain need a subdomain."""
    if c.kind in ("arbitrary", "null", "third-party", "localhost", "special-char"):
        return c
    parts = urlsplit(c.value)
    host = parts.hostname or ""
    if c.kind == "http":
        return CraftedOrigin(c.value, c.kind, "network", c.derived_from, c.preflight)
    if (registrable_domain(host) or host) in trusted_domains:
        return CraftedOrigin(c.value, c.kind, "subdomain", c.derived_from, c.preflight)
    return c


def error_path_url(url: str) -> str:
    """A path next to the target that surely does not exist (stable, so runs are reproducible)."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return urljoin(url, f"cors-doctor-missing-{digest}")


# Names of the headers the audit itself puts on every probe (the rest came from --header/--cookie).
AUDIT_HEADER_NAMES = frozenset(
    {
        "origin",
        "accept",
        "user-agent",
        "cache-control",
        "sec-fetch-mode",
        "sec-fetch-site",
        "sec-fetch-dest",
        "access-control-request-method",
        "access-control-request-private-network",
    }
)


def _browser_headers(origin: str | None, cors: Headers = ()) -> Headers:
    """What a browser sends with a cross-site fetch(), plus `Cache-Control: no-cache` so that a
    cache in front of the server does not answer for it."""
    from cors_doctor.plan import USER_AGENT

    headers: list[tuple[str, str]] = [("Origin", origin)] if origin is not None else []
    headers += [*cors, ("Accept", "*/*"), ("User-Agent", USER_AGENT["chrome"]), ("Cache-Control", "no-cache")]
    if origin is not None:
        headers += [("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Dest", "empty")]
    return tuple(headers)


def get_probe(key: str, purpose, url: str, origin: str | None, extra: Headers, **kw) -> Probe:
    return Probe(key, purpose, "GET", url, _browser_headers(origin) + tuple(extra), origin, **kw)


def preflight_probe(
    key: str, purpose, url: str, origin: str, method: str, *, private_network: bool = False, **kw
) -> Probe:
    # Browsers never send cookies or Authorization on a preflight, so extra headers stay off.
    cors = [("Access-Control-Request-Method", method)]
    if private_network:
        cors.append(("Access-Control-Request-Private-Network", "true"))
    return Probe(key, purpose, "OPTIONS", url, _browser_headers(origin, tuple(cors)), origin, **kw)


# Forged origins of the first round, each by GET and preflight: their answers decide which
# look-alikes are still worth asking about (audit.followup).
FIRST_ROUND = ("arbitrary", "null")


def plan_probes(target: AuditTarget) -> tuple[Probe, ...]:
    """The first round of an audit, the origin-less baseline first: a GET per trusted origin, a GET
    and a preflight for the first trusted origin, the arbitrary origin and `null`, the error path
    and the Private Network Access preflights. Only GET and OPTIONS are sent."""
    url, extra, method = target.url, target.extra_headers, target.preflight_method
    probes = [get_probe("baseline", "baseline", url, None, extra)]
    for t in target.trusted:
        probes.append(get_probe(f"GET {t.origin}", "trusted", url, t.origin, extra, trusted=t.origin))
    primary = target.trusted[0].origin
    probes.append(preflight_probe(f"OPTIONS {primary}", "trusted", url, primary, method, trusted=primary))
    for c in crafted_origins(target.trusted):
        if c.kind in FIRST_ROUND:
            probes.append(get_probe(f"GET {c.value}", "crafted", url, c.value, extra, crafted=c))
            probes.append(preflight_probe(f"OPTIONS {c.value}", "crafted", url, c.value, method, crafted=c))
    probes.append(get_probe("error-path", "error-path", error_path_url(url), primary, extra, trusted=primary))
    for origin in (primary, ARBITRARY_ORIGIN):
        probes.append(
            preflight_probe(
                f"PNA {origin}",
                "private-network",
                url,
                origin,
                "GET",
                private_network=True,
                trusted=origin if origin == primary else None,
            )
        )
    return tuple(probes)


@dataclass(frozen=True)
class AuditFinding:
    """One weakness with its severity (high/medium/low/info), the exchange that proves it, the
    impact and the fix. Same shape as check's findings, plus evidence and impact."""

    code: str
    severity: AuditSeverity
    title: str
    message: str
    impact: str
    fix: str
    rule: str = ""
    context: str = ""  # "GET", "preflight" or both: where the server misbehaved
    evidence: tuple[ProbeOutcome, ...] = ()
    origins: tuple[str, ...] = ()
    credentials: bool | None = None

    @property
    def docs(self) -> str:
        from cors_doctor.links import rule_url

        return rule_url(self.code)


@dataclass(frozen=True)
class TrustedStatus:
    """How the server treats one trusted origin (None: not asked)."""

    origin: str
    source: str
    allowed: bool | None
    credentials: bool
    preflight_allowed: bool | None = None


@dataclass(frozen=True)
class AuditResult:
    """Everything learnt about one URL; `error` is set when the URL could not be reached."""

    url: str
    findings: tuple[AuditFinding, ...] = ()
    trusted: tuple[TrustedStatus, ...] = ()
    outcomes: tuple[ProbeOutcome, ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None

    @property
    def status(self) -> int | None:
        for o in self.outcomes:
            if o.probe.purpose == "baseline" and o.response is not None:
                return o.response.status
        return None

    @property
    def requests_sent(self) -> int:
        return len(self.outcomes)

    @property
    def failed_requests(self) -> int:
        return sum(1 for o in self.outcomes if o.error is not None)

    def count(self, severity: AuditSeverity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def severity_rank(severity: str) -> int:
    """high 3, medium 2, low 1, info 0 (anything else -1)."""
    return {"high": 3, "medium": 2, "low": 1, "info": 0}.get(severity, -1)
