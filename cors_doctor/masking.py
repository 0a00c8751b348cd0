"""Secrets the user gave (Authorization, cookies) are masked wherever their value would appear.

Used by every output and by the `check` command lines cors-doctor prints for users to copy.
"""

from __future__ import annotations

from cors_doctor.model import Headers

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
MASK = "••••••"


def mask_value(name: str, value: str) -> str:
    """Hide a secret value, keeping the auth scheme (`Bearer ••••••`) so the output stays useful."""
    if name.lower() not in SECRET_HEADERS:
        return value
    if name.lower() in ("authorization", "proxy-authorization") and " " in value.strip():
        return value.strip().split(" ", 1)[0] + " " + MASK
    if name.lower() in ("cookie", "set-cookie"):
        pairs = [p.strip() for p in value.split(";")]
        masked = []
        for i, pair in enumerate(pairs):
            key, eq, _ = pair.partition("=")
            if name.lower() == "set-cookie" and i > 0:
                masked.append(pair)  # attributes (Path, SameSite ...) are not secret
            else:
                masked.append(f"{key}={MASK}" if eq else MASK)
        return "; ".join(masked)
    return MASK


def mask_headers(headers: Headers, show_secrets: bool = False) -> Headers:
    if show_secrets:
        return headers
    return tuple((n, mask_value(n, v)) for n, v in headers)
