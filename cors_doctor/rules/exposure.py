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


def hidden_header_names(headers: Headers, credentials: bool) -> tuple[str, ...]:
    """Names present in the reply that script cannot read (excluding cookies, never readable)."""
    visible = set(exposed_header_names(headers, credentials))
    return tuple(
        sorted({n.lower() for n, _ in headers} - visible - FORBIDDEN_RESPONSE_HEADERS)
    )
