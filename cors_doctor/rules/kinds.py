"""Every kind of failure a browser reports, and the finding code each one is reported under.

One table for the evaluator (which names the failure it met) and for `explain` (which reads the
kind out of a pasted console message): a kind never maps to two codes in two places.
"""

from __future__ import annotations

from enum import StrEnum

from cors_doctor.rules.codes import Code


class FailureKind(StrEnum):
    # The CORS check on a reply (Access-Control-Allow-Origin / -Credentials).
    MISSING = "missing"
    MULTIPLE = "multiple"
    INVALID = "invalid"
    MISMATCH = "mismatch"
    WILDCARD = "wildcard"
    CREDENTIALS = "credentials"
    # The preflight.
    STATUS = "status"
    REDIRECT = "redirect"
    METHODS_UNPARSABLE = "methods-unparsable"
    HEADERS_UNPARSABLE = "headers-unparsable"
    METHOD = "method"
    HEADER = "header"
    AUTHORIZATION_WILDCARD = "authorization-wildcard"
    PNA_PREFLIGHT = "pna-preflight"
    # Redirects of the actual request.
    USERINFO = "userinfo"
    LOCATION = "location"
    INVALID_LOCATION = "invalid-location"
    TOO_MANY = "too-many"
    REDIRECT_MODE = "redirect-mode"
    # Refused before anything is sent, or by the browser itself.
    MIXED_CONTENT = "mixed-content"
    LNA_DENIED = "lna-denied"
    LNA_INSECURE = "lna-insecure"
    LNA_MISMATCH = "lna-mismatch"
    SCHEME = "scheme"
    MODE = "mode"
    CORS_DISABLED = "cors-disabled"
    ORIGIN_NOT_ADDED = "origin-not-added"
    NETWORK = "network"
    BLOCKED = "blocked"
    INVALID_RESPONSE = "invalid-response"
    REPLY_REJECTED = "reply-rejected"  # a reply head the browser refuses to read (net::ERR_...)
    # What script may read or set.
    UNSAFE_HEADER_GET = "unsafe-header-get"
    UNSAFE_HEADER_SET = "unsafe-header-set"


FAILURE_CODES: dict[FailureKind, Code] = {
    FailureKind.MISSING: Code.MISSING_ALLOW_ORIGIN,
    FailureKind.MULTIPLE: Code.MULTIPLE_ALLOW_ORIGIN,
    FailureKind.INVALID: Code.INVALID_ALLOW_ORIGIN,
    FailureKind.MISMATCH: Code.ALLOW_ORIGIN_MISMATCH,
    FailureKind.WILDCARD: Code.WILDCARD_WITH_CREDENTIALS,
    FailureKind.CREDENTIALS: Code.ALLOW_CREDENTIALS_NOT_TRUE,
    FailureKind.STATUS: Code.PREFLIGHT_STATUS,
    FailureKind.REDIRECT: Code.PREFLIGHT_REDIRECT,
    FailureKind.METHODS_UNPARSABLE: Code.ALLOW_METHODS_UNPARSABLE,
    FailureKind.HEADERS_UNPARSABLE: Code.ALLOW_HEADERS_UNPARSABLE,
    FailureKind.METHOD: Code.METHOD_NOT_ALLOWED,
    FailureKind.HEADER: Code.HEADER_NOT_ALLOWED,
    FailureKind.AUTHORIZATION_WILDCARD: Code.AUTHORIZATION_COVERED_BY_WILDCARD,
    FailureKind.PNA_PREFLIGHT: Code.LOCAL_NETWORK_ACCESS,
    FailureKind.USERINFO: Code.REDIRECT_WITH_CREDENTIALS_IN_URL,
    FailureKind.LOCATION: Code.REDIRECT_BAD_LOCATION,
    FailureKind.INVALID_LOCATION: Code.REDIRECT_BAD_LOCATION,
    FailureKind.TOO_MANY: Code.TOO_MANY_REDIRECTS,
    FailureKind.REDIRECT_MODE: Code.REDIRECT_MODE_ERROR,
    FailureKind.MIXED_CONTENT: Code.MIXED_CONTENT,
    FailureKind.LNA_DENIED: Code.LOCAL_NETWORK_ACCESS,
    FailureKind.LNA_INSECURE: Code.LOCAL_NETWORK_ACCESS,
    FailureKind.LNA_MISMATCH: Code.LOCAL_NETWORK_ACCESS,
    FailureKind.SCHEME: Code.UNSUPPORTED_SCHEME,
    FailureKind.MODE: Code.SAME_ORIGIN_MODE,
    FailureKind.CORS_DISABLED: Code.CORS_REFUSED_BY_BROWSER,
    FailureKind.ORIGIN_NOT_ADDED: Code.CORS_REFUSED_BY_BROWSER,
    FailureKind.NETWORK: Code.NETWORK_ERROR,
    FailureKind.BLOCKED: Code.NETWORK_ERROR,
    FailureKind.INVALID_RESPONSE: Code.SERVICE_WORKER_INVALID_RESPONSE,
    FailureKind.REPLY_REJECTED: Code.REPLY_REJECTED_BY_BROWSER,
    FailureKind.UNSAFE_HEADER_GET: Code.HEADER_NOT_EXPOSED,
    FailureKind.UNSAFE_HEADER_SET: Code.FORBIDDEN_REQUEST_HEADER,
}


def code_for(kind: str) -> Code | None:
    """The finding code of a failure kind (a plain string from a parser is accepted too)."""
    try:
        return FAILURE_CODES[FailureKind(kind)]
    except ValueError:
        return None
