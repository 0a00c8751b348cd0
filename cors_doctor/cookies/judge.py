"""Would the browser store this Set-Cookie, and attach the cookie to the next such request? (pure)

The questions are asked in the order the cookie store asks them (RFC 6265bis 5.7, and each
engine's extra rules from policy.py); the first refusal is the reason given, later ones are
still listed so that one fix does not just reveal the next problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from cors_doctor.cookies.parse import HeldCookie, SetCookie
from cors_doctor.cookies.policy import CookiePolicy
from cors_doctor.cookies.site import Site, domain_matches, is_ip, is_public_suffix, same_site, site_of
from cors_doctor.origin import Origin, is_loopback_host

ProblemKind = Literal[
    "malformed",
    "none-without-secure",
    "secure-over-http",
    "prefix",
    "domain",
    "samesite-cross-site",
    "lax-by-default",
    "third-party-blocked",
    "partitioned-without-secure",
    "partitioned",
    "third-party-setting",
    "path",
    "lax-by-default-elsewhere",
]
# Kinds that keep the cookie out of the store (or off the request); the others only inform.
REFUSALS = frozenset(
    {
        "malformed",
        "none-without-secure",
        "secure-over-http",
        "prefix",
        "domain",
        "samesite-cross-site",
        "lax-by-default",
        "third-party-blocked",
        "partitioned-without-secure",
        "path",
    }
)

# The finding code each problem is reported under (docs/rules/CD8xx.md).
CODES = {
    "ignored": "CD801",
    "malformed": "CD802",
    "none-without-secure": "CD803",
    "secure-over-http": "CD804",
    "prefix": "CD805",
    "domain": "CD806",
    "samesite-cross-site": "CD807",
    "lax-by-default": "CD808",
    "third-party-blocked": "CD809",
    "partitioned-without-secure": "CD810",
    "partitioned": "CD811",
    "path": "CD812",
    "third-party-setting": "CD813",
    "lax-by-default-elsewhere": "CD814",
}


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    text: str


@dataclass(frozen=True)
class Context:
    """Where the cookie travels: the page's site, the request URL's site and whether they differ."""

    page: Site | None  # None: an opaque (null) page origin, cross-site to everything
    url: str
    host: str
    url_site: Site
    cross_site: bool
    secure_url: bool
    why_cross_site: str


@dataclass(frozen=True)
class CookieJudgement:
    """One cookie: stored by the browser (for Set-Cookie), attached to the next request, and why not."""

    name: str
    source: Literal["set-cookie", "held"]
    url: str
    stored: bool | None  # None for a held cookie (--cookie): it is already in the browser
    sent: bool
    partitioned: bool
    same_site: str  # as the browser applies it: "none", "lax", "strict", "lax (default)" ...
    problems: tuple[Problem, ...] = ()
    line: str = ""

    @property
    def refusals(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.kind in REFUSALS)


def context_for(page: Origin, url: str, policy: CookiePolicy) -> Context:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    url_site = site_of(parts.scheme, host)
    secure_url = parts.scheme == "https" or (policy.loopback_is_secure and is_loopback_host(host))
    if page.opaque:
        return Context(None, url, host, url_site, True, secure_url, "the page's origin is opaque (null)")
    page_site = site_of(page.scheme, page.host)
    cross = not same_site(page_site, url_site, schemeful=policy.schemeful)
    if not cross:
        why = f"{page_site} and {url_site} are the same site"
    elif page_site.domain == url_site.domain:
        why = f"the page is {page.scheme} and the URL {parts.scheme}: same-site is schemeful, so they are cross-site"
    else:
        why = f"the page's site {page_site} and the URL's site {url_site} differ"
    return Context(page_site, url, host, url_site, cross, secure_url, why)


def _effective_same_site(declared: str | None, policy: CookiePolicy) -> tuple[str, bool]:
    """The SameSite the browser applies, and whether it came from the browser's default."""
    if declared is not None:
        return declared, False
    return ("lax", True) if policy.lax_by_default else ("none", True)


def _storage_problems(cookie: SetCookie, ctx: Context, policy: CookiePolicy) -> list[Problem]:
    out: list[Problem] = []
    if cookie.secure and not ctx.secure_url:
        out.append(
            Problem(
                "secure-over-http",
                f"it is Secure but came over http from {ctx.host}; only https"
                + (" (or localhost)" if policy.loopback_is_secure else "")
                + " may set Secure cookies",
            )
        )
    lower = cookie.name.lower() if policy.prefixes_enforced else ""
    if lower.startswith("__secure-") and not cookie.secure:
        out.append(Problem("prefix", "a __Secure- cookie must carry the Secure attribute"))
    if lower.startswith("__host-") and (not cookie.secure or cookie.domain or cookie.path != "/"):
        missing = [
            text
            for bad, text in (
                (not cookie.secure, "Secure"),
                (bool(cookie.domain), "no Domain"),
                (cookie.path != "/", "Path=/"),
            )
            if bad
        ]
        out.append(
            Problem("prefix", f"a __Host- cookie needs Secure, no Domain and Path=/ (missing: {', '.join(missing)})")
        )
    if cookie.domain and not domain_matches(ctx.host, cookie.domain):
        out.append(Problem("domain", f"Domain={cookie.domain} does not cover the host {ctx.host} that set it"))
    elif cookie.domain and is_ip(ctx.host) and not policy.ip_domain_allowed:
        out.append(Problem("domain", f"this browser refuses a Domain attribute on an IP address ({cookie.domain})"))
    elif cookie.domain and cookie.domain != ctx.host and is_public_suffix(cookie.domain):
        out.append(Problem("domain", f"Domain={cookie.domain} is a public suffix; no site may set a cookie for it"))
    if cookie.same_site == "none" and not cookie.secure and policy.none_requires_secure:
        out.append(Problem("none-without-secure", "SameSite=None without Secure is refused"))
    if cookie.partitioned and not cookie.secure and policy.partitioned_requires_secure:
        out.append(Problem("partitioned-without-secure", "a Partitioned cookie must carry the Secure attribute"))
    return out


def _cross_site_problems(
    same: str, by_default: bool, partitioned: bool, ctx: Context, policy: CookiePolicy, held: bool
) -> tuple[list[Problem], bool]:
    """Problems of a cross-site cookie, and whether it lands in (or comes from) a partitioned jar.

    A Lax cookie in a browser that also blocks third-party cookies gets both reasons: fixing
    SameSite alone would not make it work there.
    """
    verb = "attached to" if held else "stored from"
    out: list[Problem] = []
    if same in ("lax", "strict") and by_default:
        out.append(
            Problem(
                "lax-by-default",
                "it has no SameSite attribute, so the browser treats it as Lax, and "
                f"a Lax cookie is not {verb} a cross-site fetch() ({ctx.why_cross_site})",
            )
        )
    elif same in ("lax", "strict"):
        out.append(
            Problem(
                "samesite-cross-site",
                f"SameSite={same.capitalize()} cookies are not {verb} a cross-site fetch() ({ctx.why_cross_site})",
            )
        )
    if partitioned and policy.partitioned_supported:
        if not out:
            out.append(
                Problem(
                    "partitioned",
                    f"Partitioned: kept in a jar for the page's site {ctx.page or 'null'}, "
                    "sent only while the page is on that site",
                )
            )
        return out, out[0].kind == "partitioned"
    if policy.third_party == "block":
        out.append(Problem("third-party-blocked", f"the browser blocks third-party cookies ({ctx.why_cross_site})"))
    elif out:
        pass  # refused already; how the browser treats allowed third-party cookies does not matter
    elif policy.third_party == "partition":
        return [
            Problem(
                "partitioned",
                "third-party cookies are partitioned: kept in a jar for the page's site "
                f"{ctx.page or 'null'}, sent only while the page is on that site",
            )
        ], True
    else:
        out.append(
            Problem(
                "third-party-setting",
                "it is a third-party cookie: it stops working where third-party "
                "cookies are blocked (Incognito, the user's setting, enterprise policy) unless it is "
                "Partitioned",
            )
        )
    return out, False


def _elsewhere(declared: str | None, policy: CookiePolicy, ctx: Context) -> list[Problem]:
    """A cookie without SameSite works cross-site here, but not in Chrome (Lax by default)."""
    if declared is None and ctx.cross_site and not policy.lax_by_default:
        return [
            Problem(
                "lax-by-default-elsewhere",
                "it has no SameSite attribute: Chrome treats it as Lax and does "
                "not store or send it cross-site; set SameSite=None; Secure",
            )
        ]
    return []


def judge_set_cookie(cookie: SetCookie, ctx: Context, policy: CookiePolicy) -> CookieJudgement:
    """Whether a Set-Cookie on a credentialed reply is stored, and sent back on the same request."""
    if cookie.malformed:
        return CookieJudgement(
            cookie.name,
            "set-cookie",
            ctx.url,
            False,
            False,
            False,
            "",
            (Problem("malformed", f"the browser ignores this Set-Cookie: {cookie.malformed}"),),
            cookie.line,
        )
    same, by_default = _effective_same_site(cookie.same_site, policy)
    problems = _storage_problems(cookie, ctx, policy)
    partitioned = False
    if ctx.cross_site:
        more, partitioned = _cross_site_problems(same, by_default, cookie.partitioned, ctx, policy, held=False)
        problems += more
    if not any(p.kind in REFUSALS for p in problems):
        problems += _elsewhere(cookie.same_site, policy, ctx)
    stored = not any(p.kind in REFUSALS for p in problems) and not cookie.expired
    path = urlsplit(ctx.url).path or "/"
    if stored and cookie.path is not None and not path_matches(path, cookie.path):
        problems.append(Problem("path", f"Path={cookie.path} does not cover {path}, so it is not sent back here"))
    sent = stored and not any(p.kind == "path" for p in problems)
    # A Partitioned cookie is keyed by the top-level site even when page and API are same-site.
    partitioned = stored and (partitioned or (cookie.partitioned and policy.partitioned_supported))
    label = same + (" (default)" if by_default else "")
    return CookieJudgement(
        cookie.name, "set-cookie", ctx.url, stored, sent, partitioned, label, tuple(problems), cookie.line
    )


def judge_held_cookie(cookie: HeldCookie, ctx: Context, policy: CookiePolicy) -> CookieJudgement:
    """Whether a cookie the browser holds (--cookie) is attached to this request."""
    problems: list[Problem] = []
    if cookie.secure and not ctx.secure_url:
        problems.append(Problem("secure-over-http", f"it is Secure and the request goes over http to {ctx.host}"))
    if cookie.same_site == "none" and not cookie.secure and policy.none_requires_secure:
        problems.append(Problem("none-without-secure", "SameSite=None without Secure: the browser never stored it"))
    same, by_default = _effective_same_site(cookie.same_site, policy)
    partitioned = False
    if ctx.cross_site:
        if by_default and not cookie.attributes_known and policy.lax_by_default:
            problems.append(
                Problem(
                    "lax-by-default",
                    "if it was set without a SameSite attribute the browser treats "
                    f"it as Lax and does not attach it to a cross-site fetch() ({ctx.why_cross_site}); "
                    "it must have been set with SameSite=None; Secure (add the attributes to "
                    "--cookie to judge it exactly)",
                )
            )
        else:
            more, partitioned = _cross_site_problems(same, by_default, cookie.partitioned, ctx, policy, held=True)
            problems += more
    sent = not any(p.kind in REFUSALS for p in problems)
    label = same + (" (default)" if by_default else "")
    return CookieJudgement(cookie.name, "held", ctx.url, None, sent, partitioned, label, tuple(problems))


def path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265bis path-match."""
    if request_path == cookie_path:
        return True
    if request_path.startswith(cookie_path):
        return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
    return False
