"""Secrets the user gave (Authorization, cookies) are masked wherever their value would appear.

Used by every output and by the `check` command lines cors-doctor prints for users to copy.
"""

from __future__ import annotations

import re

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


# scheme://user:password@ — the password part, wherever a URL is quoted in text.
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'\"]*:)([^@\s/'\"]+)(@)")


def mask_url_passwords(text: str) -> str:
    """Every `user:password@` in `text` shown as `user:••••••@`."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)


def secret_values(headers: Headers) -> tuple[str, ...]:
    """The secret parts of the request headers the user gave: whole values and, for
    `Scheme token`, the token, and each cookie's value — longest first, to replace in echoes."""
    found: set[str] = set()
    for name, value in headers:
        lname = name.lower()
        if lname not in SECRET_HEADERS or not value.strip():
            continue
        found.add(value.strip())
        if lname in ("authorization", "proxy-authorization") and " " in value.strip():
            found.add(value.strip().split(" ", 1)[1].strip())
        if lname == "cookie":
            found.update(p.partition("=")[2].strip() for p in value.split(";"))
    return tuple(sorted((v for v in found if len(v) >= 4), key=len, reverse=True))


def mask_echoes(text: str, secrets: tuple[str, ...]) -> str:
    """`text` (a reply's header or body) with every secret the request carried masked: a server
    that echoes the request must not print the user's token."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text
