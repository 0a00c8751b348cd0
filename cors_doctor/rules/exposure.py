"""Which response headers page script can read after a successful CORS fetch (EXP-*)."""

from __future__ import annotations

from cors_doctor.model import Headers
from cors_doctor.rules.preflight import parse_header_list

SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"}
)
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})


def exposed_header_names(headers: Headers, credentials: bool) -> tuple[str, ...]:
    """Lowercase names present in the reply that `response.headers` shows to script, sorted."""
    listed = parse_header_list(headers, "Access-Control-Expose-Headers") or []
    listed_lower = {h.lower() for h in listed}
    expose_all = "*" in listed_lower and not credentials
    present = {name.lower() for name, _ in headers}
    visible = {
        name
        for name in present
        if name not in FORBIDDEN_RESPONSE_HEADERS
        and (expose_all or name in SAFELISTED_RESPONSE_HEADERS or name in listed_lower)
    }
    return tuple(sorted(visible))


# Headers of the transport and of CORS itself: nobody's front end needs to read them.
_INFRASTRUCTURE = frozenset(
    {
        "date",
        "server",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "vary",
        "content-encoding",
        "age",
        "via",
        "alt-svc",
        "strict-transport-security",
        "x-powered-by",
        "allow",
        "etag",
        "accept-ranges",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "content-security-policy",
        "cross-origin-resource-policy",
        "timing-allow-origin",
        "access-control-allow-private-network",
    }
)


def hidden_header_names(headers: Headers, credentials: bool) -> tuple[str, ...]:
    """Application headers present in the reply that script cannot read.

    Cookies (never readable), CORS headers and transport headers are left out: listing them
    would only suggest exposing things no front end reads.
    """
    visible = set(exposed_header_names(headers, credentials))
    names = {n.lower() for n, _ in headers} - visible - FORBIDDEN_RESPONSE_HEADERS - _INFRASTRUCTURE
    return tuple(sorted(n for n in names if not n.startswith("access-control-")))
