"""The console messages `cors-doctor explain` recognises, as regular expressions.

The texts come from cors_doctor.rules.messages, the templates `check` prints, filled with
placeholders and turned into patterns, so printing and recognising cannot drift apart. Wordings
of older browser versions and messages `check` never prints (schemes, request mode, Local
Network Access, Safari's redirect texts ...) are added alongside.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import cache

from cors_doctor.rules import messages

# Failure kinds of rules.messages.FailureContext that end in a console message.
KINDS = (
    "missing",
    "multiple",
    "invalid",
    "mismatch",
    "wildcard",
    "credentials",
    "status",
    "redirect",
    "methods-unparsable",
    "headers-unparsable",
    "method",
    "header",
    "userinfo",
)

_GROUPS = {
    "URL": ("url", r".+?"),
    "INITIAL": ("initial", r".+?"),
    "ORIGIN": ("origin", r"\S+?"),
    "HINT": ("hint", r".*?"),
    "STATUS": ("status", r"\d+|\(null\)"),
    "VALUE": ("value", r".*?"),
    "PAGE": ("page", r"\S+?"),
    "RESOURCE": ("resource", r".+?"),
    "LIST": ("list", r".+?"),
    "SPACE": ("space", r"[^`]*"),
    "TARGET": ("target", r"[^`]*"),
}
_RAW = {
    "LEVEL": r"(?P<level>Blocked|Warning)",
    "DISALLOWS": r"(?:disallows|will disallow)",
    "FFURL": r"'?(?P<url>.+?)'?(?: soon)?",
    "LOADER": r"(?:(?:Fetch API|XMLHttpRequest|EventSource|Beacon API) cannot load|Cannot load(?: image)?)",
    "ACCESS": r"(?P<access> due to access control checks)?",
    "INSECURE": r"an insecure (?:resource|XMLHttpRequest endpoint)",
}
_EXAMPLES = {
    "url": "https://api.example.com/items",
    "initial": "https://api.example.com/items",
    "origin": "http://localhost:3000",
    "status": "404",
    "value": "GET POST",
    "page": "https://app.example.com/",
    "resource": "fetch",
    "list": "http, data, chrome, chrome-extension, chrome-untrusted, https",
    "space": "loopback",
    "target": "public",
}
_EXAMPLE_HINTS = {
    "multiple": "http://localhost:3000, http://localhost:3000",
    "invalid": "localhost:3000",
    "mismatch": "http://localhost:3000/",
    "method": "PUT",
    "header": "content-type",
    "userinfo": "https://user:secret@api.example.com/items",
    "methods-unparsable": "GET POST",
    "headers-unparsable": "Content Type",
    "unsafe-header-get": "X-Request-Id",
    "unsafe-header-set": "Cookie",
}
_TOKEN = re.compile(r"@@(R:)?([A-Z]+)@@")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_SPACES = re.compile(r"\s+")

S = {name: f"@@{name}@@" for name in _GROUPS}


def normalise_text(text: str) -> str:
    """Typographic quotes to ASCII, runs of whitespace to one space: pasted text and templates alike."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip()


def _regex(template: str) -> str:
    """A template with @@NAME@@ placeholders as a regex: placeholders become named groups."""
    out: list[str] = []
    seen: set[str] = set()
    pos = 0
    for m in _TOKEN.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        pos = m.end()
        if m.group(1):
            out.append(_RAW[m.group(2)])
            continue
        name, body = _GROUPS[m.group(2)]
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>{body})")
        seen.add(name)
    out.append(re.escape(template[pos:]))
    return "".join(out)


def _example(template: str, kind: str) -> str:
    def fill(m: re.Match[str]) -> str:
        if m.group(1):
            return {
                "LEVEL": "Blocked",
                "DISALLOWS": "disallows",
                "FFURL": _EXAMPLES["url"],
                "LOADER": "Fetch API cannot load",
                "ACCESS": " due to access control checks",
                "INSECURE": "an insecure resource",
            }[m.group(2)]
        name = _GROUPS[m.group(2)][0]
        return _EXAMPLE_HINTS.get(kind, "") if name == "hint" else _EXAMPLES[name]

    return _TOKEN.sub(fill, template)


@dataclass(frozen=True)
class Pattern:
    """One recognisable text: the failure kinds that print it (most likely first) and its regex."""

    browser: str
    kinds: tuple[str, ...]
    regex: re.Pattern[str]
    template: str
    preflight: bool | None = None  # known from the text itself (legacy Chrome wordings)

    def example(self) -> str:
        return _example(self.template, self.kinds[0])


def _context(
    kind: str, *, redirected: bool = False, preflight: bool = False, status: object = S["STATUS"], comma: bool = False
) -> messages.FailureContext:
    hint = S["HINT"] + "," if comma else S["HINT"]  # Safari tells "multiple" apart by a comma in the value
    context = messages.FailureContext(
        kind,
        S["URL"],
        S["INITIAL"] if redirected else S["URL"],
        S["ORIGIN"],
        hint=hint,
        status=status,  # type: ignore[arg-type]  # a placeholder the pattern turns into a group
        on_preflight=preflight,
        acao_lines=2,
        value=S["VALUE"],
    )
    if redirected and hasattr(context, "redirect_to"):  # Safari names the target of a failing redirect
        context = replace(context, redirect_to=S["URL"])
    return context


def _patterns(
    browser: str, templates: list[tuple[str, str]], *, suffix: str = "", preflight: bool | None = None
) -> list[Pattern]:
    """Group identical templates (several kinds can print the same text) into one Pattern each."""
    kinds: dict[str, list[str]] = {}
    for kind, template in templates:
        kinds.setdefault(normalise_text(template), [])
        if kind not in kinds[normalise_text(template)]:
            kinds[normalise_text(template)].append(kind)
    return [
        Pattern(browser, tuple(ks), re.compile(_regex(t) + suffix, re.DOTALL), t, preflight) for t, ks in kinds.items()
    ]


def _split_optional(short: str, long: str) -> tuple[str, str, str]:
    """(before, inserted, after) such that long == before + inserted + after and short == before + after."""
    before = os.path.commonprefix([short, long])
    after_len = len(os.path.commonprefix([short[::-1], long[::-1]]))
    after_len = min(after_len, len(short) - len(before))
    return before, long[len(before) : len(long) - after_len], long[len(long) - after_len :]


# -- Chrome -------------------------------------------------------------------------------

_CHROME_NO_CORS = " Have the server send the header with a valid value."
_CHROME_SUFFIXES = "|".join(
    (
        r"Have the server send the header with a valid value(?:, or, if an opaque response serves your needs, "
        r"set the request's mode to 'no-cors' to fetch the resource with CORS disabled)?\.",
        r"If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource "
        r"with CORS disabled\.",
        r"The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials "
        r"attribute\.",
        r"Origin '(?P<legacy_origin>[^']*)' is therefore not allowed access\.",
        r"The response had HTTP status code (?P<legacy_status>\d+)\.",
    )
)
CHROME_SUFFIX = rf"(?: (?:{_CHROME_SUFFIXES}))*\.?$"

_CHROME_EXTRA_REASONS = [
    ("scheme", "Cross origin requests are only supported for protocol schemes: @@LIST@@."),
    ("mode", "Cross origin requests are not allowed by request mode."),
    ("invalid-response", "The response is invalid."),
    ("lna-denied", "Permission was denied for this request to access the `@@SPACE@@` address space."),
    (
        "lna-insecure",
        "The request client is not a secure context and the resource is in more-private address space `@@SPACE@@`.",
    ),
    (
        "lna-mismatch",
        "Request had a target IP address space of `@@TARGET@@` yet the resource is in address space `@@SPACE@@`.",
    ),
    ("lna-mismatch", "Request had no target IP address space, yet the resource is in address space `@@SPACE@@`."),
    ("lna-denied", "Unable to ask for permission to access the `@@SPACE@@` IP address space."),
    (
        "pna-preflight",
        "No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `@@SPACE@@` address space.",
    ),
    (
        "pna-preflight",
        "The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `@@SPACE@@` address space had a value of '@@HINT@@', not 'true'.",
    ),
    (
        "pna-preflight",
        "No 'Private-Network-Access-Id' header was present in the preflight response for this private network request targeting the `@@SPACE@@` address space.",
    ),
    (
        "pna-preflight",
        "No 'Private-Network-Access-Name' header was present in the preflight response for this private network request targeting the `@@SPACE@@` address space.",
    ),
    (
        "pna-preflight",
        "No 'Access-Control-Allow-External' header was present in the preflight response for this external request (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').",
    ),
    (
        "pna-preflight",
        "The 'Access-Control-Allow-External' header in the preflight response for this external request had a value of '@@HINT@@', not 'true' (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').",
    ),
]
# Chrome before version 73 (observed in old reports): the preflight is named in the reason itself.
_CHROME_LEGACY_PREFLIGHT_REASONS = [
    ("status", "Response for preflight has invalid HTTP status code @@STATUS@@"),
    ("redirect", "Response for preflight is invalid (redirect)"),
    ("status", "Response for preflight does not have HTTP ok status."),
]
_CHROME_LEGACY_HEADS = ("Failed to load @@URL@@: ", "XMLHttpRequest cannot load @@URL@@. ")
_CHROME_LINES = [
    ("unsafe-header-get", 'Refused to get unsafe header "@@HINT@@"'),
    ("unsafe-header-set", 'Refused to set unsafe header "@@HINT@@"'),
    ("authorization-wildcard", messages.AUTHORIZATION_WILDCARD_DEPRECATION),
]


def _chrome() -> tuple[list[re.Pattern[str]], str, list[Pattern], list[Pattern]]:
    plain = [normalise_text(messages.chrome_message(_context(k))) for k in KINDS]
    common = os.path.commonprefix(plain)
    head = common[: common.rindex(": ") + 2]
    reasons = {k: m[len(head) :] for k, m in zip(KINDS, plain)}
    redirected = normalise_text(messages.chrome_message(_context("missing", redirected=True)))
    redirect_head = redirected[: len(redirected) - len(reasons["missing"])]
    with_prefix = normalise_text(messages.chrome_message(_context("status", preflight=True)))
    preflight_prefix = with_prefix[len(head) : len(with_prefix) - len(reasons["status"])]

    before, inserted, after = _split_optional(head, redirect_head)
    before = re.sub(r"^Access to fetch at ", "Access to @@RESOURCE@@ at ", before)
    heads = [re.compile(f"^{_regex(before)}(?:{_regex(inserted)})?{_regex(after)}(?P<rest>.*)$", re.DOTALL)]
    heads += [re.compile(f"^{_regex(h)}(?P<rest>.*)$", re.DOTALL) for h in _CHROME_LEGACY_HEADS]

    derived = []
    for kind, reason in reasons.items():
        derived.append((kind, reason[: -len(_CHROME_NO_CORS)] if reason.endswith(_CHROME_NO_CORS) else reason))
    reason_patterns = _patterns("chrome", derived + _CHROME_EXTRA_REASONS, suffix=CHROME_SUFFIX)
    reason_patterns += _patterns("chrome", _CHROME_LEGACY_PREFLIGHT_REASONS, suffix=CHROME_SUFFIX, preflight=True)

    mixed = normalise_text(messages.chrome_message(_context("mixed-content")))
    mixed = mixed.replace(f"'{S['ORIGIN']}/'", f"'{S['PAGE']}'").replace("an insecure resource", "@@R:INSECURE@@")
    lines = _patterns("chrome", [("mixed-content", mixed), *_CHROME_LINES], suffix=r"\.?$")
    return heads, preflight_prefix, reason_patterns, lines


CHROME_HEADS, CHROME_PREFLIGHT_PREFIX, CHROME_REASONS, CHROME_LINES = _chrome()
CHROME_STARTS = (
    "Access to ",
    "Failed to load ",
    "XMLHttpRequest cannot load ",
    "Mixed Content:",
    "Refused to ",
    "Authorization will not",
)


# -- Firefox ------------------------------------------------------------------------------

_FIREFOX_EXTRA_REASONS = [
    ("network", "CORS request did not succeed"),
    ("cors-disabled", "CORS disabled"),
    ("origin-not-added", "CORS header 'Origin' cannot be added"),
    ("scheme", "CORS request not http"),
    ("status", "CORS preflight channel did not succeed"),
    ("header", "missing token '@@HINT@@' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel"),
    (
        "authorization-wildcard",
        "When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`",
    ),
]


def _firefox() -> tuple[re.Pattern[str], list[Pattern], list[Pattern]]:
    kinds = [k for k in KINDS if k != "wildcard"]  # the wildcard text quotes the URL
    plain = [normalise_text(messages.firefox_message(_context(k))) for k in kinds]
    common = os.path.commonprefix(plain)
    head = common[: common.rindex(": ") + 2]
    head = head.replace(" Blocked:", " @@R:LEVEL@@:", 1).replace(" disallows ", " @@R:DISALLOWS@@ ", 1)
    head = head.replace(S["URL"], "@@R:FFURL@@", 1)
    skeleton = re.compile(
        f"^{_regex(head)}(?P<reason>.+?)\\)\\.?(?: Status code: (?P<status>\\d+|\\(null\\))\\.?)?$", re.DOTALL
    )
    derived = []
    for kind in KINDS:
        m = skeleton.match(normalise_text(messages.firefox_message(_context(kind, status=404))))
        if m is not None:
            derived.append((kind, m.group("reason")))
    # "did not succeed" is mostly a network failure; messages.py prints it for a userinfo redirect too
    reasons = _patterns("firefox", _FIREFOX_EXTRA_REASONS[:1] + derived + _FIREFOX_EXTRA_REASONS[1:], suffix="$")
    mixed = normalise_text(messages.firefox_message(_context("mixed-content")))
    return skeleton, reasons, _patterns("firefox", [("mixed-content", mixed)], suffix=r"\.?$")


FIREFOX_SKELETON, FIREFOX_REASONS, FIREFOX_LINES = _firefox()
FIREFOX_STARTS = ("Cross-Origin Request ", "Blocked loading mixed")


# -- Safari -------------------------------------------------------------------------------

_SAFARI_STATUS = f" Status code: {S['STATUS']}"
_SAFARI_EXTRA = [
    ("too-many", "Load cannot follow more than 20 redirections"),
    ("redirect-mode", "Not allowed to follow a redirection while loading @@URL@@"),
    ("mode", "Unsafe attempt to load URL @@URL@@ from origin @@ORIGIN@@. Domains, protocols and ports must match."),
    ("blocked", "CORS-preflight request was blocked"),
    ("blocked", "Preflight response was blocked"),
    ("location", "not allowed to follow a cross-origin CORS redirection with non CORS scheme"),
]


def _safari() -> tuple[re.Pattern[str], re.Pattern[str], list[Pattern]]:
    reasons: dict[str, str] = {}
    load_line = ""
    for kind in KINDS:
        first, _, second = normalise_text(
            messages.safari_message(_context(kind, comma=kind == "multiple")).replace("\n", "\x00")
        ).partition("\x00")
        reasons[kind] = first.strip()
        load_line = second.strip()
    with_status: list[tuple[str, str]] = []
    without: list[tuple[str, str]] = []
    for kind, reason in reasons.items():
        (with_status if reason.endswith(_SAFARI_STATUS) else without).append(
            (kind, reason.removesuffix(_SAFARI_STATUS))
        )
    lines = _patterns("safari", with_status, suffix=r"(?: Status code: (?P<status>\d+))?\.?$")
    lines += _patterns("safari", without + _SAFARI_EXTRA, suffix=r"\.?$")
    mixed = normalise_text(messages.safari_message(_context("mixed-content")))
    lines += _patterns("safari", [("mixed-content", mixed.replace(f"{S['ORIGIN']}/", S["PAGE"]))], suffix=r"\.?$")

    redirected = normalise_text(messages.safari_message(_context("missing", redirected=True)).split("\n")[0])
    prefix = redirected[: len(redirected) - len(reasons["missing"])]
    redirect = re.compile(f"^{_regex(prefix)}(?P<rest>.*)$", re.DOTALL)
    before, _, after = load_line.partition(S["URL"])
    before = before.replace("Fetch API cannot load", "@@R:LOADER@@", 1)
    after = after.replace(" due to access control checks", "@@R:ACCESS@@", 1)
    load = re.compile(f"^{_regex(before)}(?P<url>\\S+?){_regex(after)}$", re.DOTALL)
    return redirect, load, lines


SAFARI_REDIRECT, SAFARI_LOAD, SAFARI_LINES = _safari()
SAFARI_STARTS = (
    "Origin ",
    "Fetch API cannot",
    "XMLHttpRequest cannot",
    "EventSource cannot",
    "Beacon API cannot",
    "Cannot load",
    "Cross-origin redirection",
    "Preflight response",
    "Access-Control-Allow-Origin cannot",
    "Cannot use wildcard",
    "Credentials flag",
    "Header Access-Control-",
    "Method ",
    "Request header field",
    "Load cannot",
    "Not allowed to follow",
    "Unsafe attempt",
    "CORS-preflight",
    "[blocked]",
)

MESSAGE_STARTS = CHROME_STARTS + FIREFOX_STARTS + SAFARI_STARTS


@cache
def known_examples() -> list[tuple[str, str]]:
    """(browser, example text) for every recognised message, for "closest known messages"."""
    head = "Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: "
    ff = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: "
    out = [("chrome", head + p.example()) for p in CHROME_REASONS]
    out += [("chrome", p.example()) for p in CHROME_LINES]
    out += [("firefox", ff + p.example() + ").") for p in FIREFOX_REASONS]
    out += [("firefox", p.example()) for p in FIREFOX_LINES]
    out += [("safari", p.example()) for p in SAFARI_LINES]
    return out
