"""Replies a browser refuses to read at all, whatever their CORS headers say.

Chromium turns a reply head with two different values of a header that must be single into a
network error before any CORS check (conformance cases line-content-disposition-twice,
line-location-twice); identical repeated values are fine.
"""

from __future__ import annotations

from cors_doctor.model import Headers, header_values

_SINGLE_VALUED = (
    ("content-length", "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH"),
    ("content-disposition", "net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION"),
    ("location", "net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION"),
)


def browser_rejects(headers: Headers) -> str | None:
    """Chromium's network error for this reply head, or None when it reads it."""
    for name, error in _SINGLE_VALUED:
        if len({value.strip(" \t") for value in header_values(headers, name)}) > 1:
            return error
    return None
