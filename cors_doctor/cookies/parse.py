"""Set-Cookie and Cookie lines read the way browsers read them (RFC 6265bis, section 5.6).

Browsers never reject a Set-Cookie for a stray attribute: unknown attributes are ignored, the
last occurrence of an attribute wins, an invalid SameSite value counts as no SameSite at all,
and a line without `=` is a cookie with an empty name. Only an empty name *and* value, or
control characters, make the browser drop the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SameSite = Literal["none", "lax", "strict"]
_SAME_SITE_VALUES: dict[str, SameSite] = {"none": "none", "lax": "lax", "strict": "strict"}
# Attribute names recognised in a --cookie value: everything after them belongs to the cookie before.
ATTRIBUTE_NAMES = frozenset({"domain", "path", "secure", "httponly", "samesite", "partitioned", "max-age", "expires"})
_CONTROL = {chr(c) for c in range(0x00, 0x20) if c != 0x09} | {"\x7f"}


@dataclass(frozen=True)
class SetCookie:
    """One Set-Cookie line, parsed. `same_site` is None when absent or not a known value."""

    line: str
    name: str
    value: str
    domain: str | None = None
    path: str | None = None
    secure: bool = False
    http_only: bool = False
    same_site: SameSite | None = None
    same_site_raw: str | None = None
    partitioned: bool = False
    max_age: str | None = None
    expires: str | None = None
    malformed: str = ""  # why the browser drops the line outright, "" when it does not

    @property
    def expired(self) -> bool:
        """Max-Age of zero or less deletes the cookie instead of storing it."""
        if self.max_age is None:
            return False
        text = self.max_age.strip()
        digits = text[1:] if text.startswith("-") else text
        return digits.isdigit() and (text.startswith("-") or int(digits) == 0)


def _split_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        return "", name.strip(" \t")
    return name.strip(" \t"), value.strip(" \t")


def parse_set_cookie(line: str) -> SetCookie:
    """Parse one Set-Cookie value the way the cookie store does before it decides anything."""
    if any(ch in _CONTROL for ch in line):
        return SetCookie(line, "", "", malformed="it contains a control character")
    pair, _, rest = line.partition(";")
    name, value = _split_pair(pair)
    if not name and not value:
        return SetCookie(line, name, value, malformed="its name and value are both empty")
    attrs: dict[str, str | None] = {}
    for item in rest.split(";") if rest else []:
        key, sep, val = item.partition("=")
        key = key.strip(" \t").lower()
        if key:
            attrs[key] = val.strip(" \t") if sep else None
    domain = attrs.get("domain")
    domain = domain.lstrip(".").lower() if domain else None
    path = attrs.get("path")
    raw_same_site = attrs.get("samesite")
    return SetCookie(
        line=line,
        name=name,
        value=value,
        domain=domain or None,
        path=path if path and path.startswith("/") else None,
        secure="secure" in attrs,
        http_only="httponly" in attrs,
        same_site=_SAME_SITE_VALUES.get((raw_same_site or "").lower()),
        same_site_raw=raw_same_site if "samesite" in attrs else None,
        partitioned="partitioned" in attrs,
        max_age=attrs.get("max-age"),
        expires=attrs.get("expires"),
    )


@dataclass(frozen=True)
class HeldCookie:
    """A cookie the browser holds (from --cookie): its name and what is known of how it was set."""

    name: str
    value: str
    same_site: SameSite | None = None
    secure: bool = False
    partitioned: bool = False
    attributes_known: bool = False  # the user wrote at least one attribute for it


def parse_cookie_option(text: str) -> tuple[HeldCookie, ...]:
    """`a=1; b=2` (a Cookie header), optionally with attributes after a cookie: `a=1; SameSite=None; Secure`."""
    cookies: list[dict] = []
    for item in text.split(";"):
        name, sep, value = item.partition("=")
        key = name.strip().lower()
        if key in ATTRIBUTE_NAMES and cookies:
            current = cookies[-1]
            current["attributes_known"] = True
            if key == "samesite":
                current["same_site"] = _SAME_SITE_VALUES.get(value.strip().lower())
            elif key in ("secure", "partitioned"):
                current[key] = True
            continue
        if not name.strip() and not value.strip():
            continue
        cookies.append({"name": name.strip(), "value": value.strip() if sep else ""})
    return tuple(HeldCookie(**c) for c in cookies)


def cookie_header(cookies: tuple[HeldCookie, ...]) -> str:
    """The Cookie header a browser would send for these cookies (attributes are never sent)."""
    return "; ".join(f"{c.name}={c.value}" if c.name else c.value for c in cookies)
