"""All conformance cases, in one ordered list with unique ids."""

from __future__ import annotations

from .cases_cache import CACHE_CASES
from .cases_clients import KEEPALIVE_CASES, METHOD_EDGE_CASES, NO_CORS_CASES, XHR_CASES
from .cases_origin import CREDENTIAL_CASES, ORIGIN_CASES
from .cases_parsing import LINE_CASES
from .cases_preflight import CREDENTIAL_PREFLIGHT_CASES, MAX_AGE_CASES, PARSE_CASES, STATUS_CASES
from .cases_request_headers import SAFELIST_EDGE_CASES
from .cases_requests import HEADER_CASES, METHOD_CASES
from .cases_responses import ACTUAL_CASES, EXPOSE_CASES, REDIRECT_CASES
from .cases_wpt import EXPOSE_STAR_CASES, REDIRECT_MORE_CASES, STAR_CASES
from .cases_wpt_status import STATUS_WPT_CASES
from .model import Case, CaseList

_all = CaseList()
for _group in (
    ORIGIN_CASES,
    CREDENTIAL_CASES,
    METHOD_CASES,
    HEADER_CASES,
    STATUS_CASES,
    CREDENTIAL_PREFLIGHT_CASES,
    PARSE_CASES,
    MAX_AGE_CASES,
    EXPOSE_CASES,
    ACTUAL_CASES,
    REDIRECT_CASES,
    # grown for three engines: parsing, cache, statuses, clients, WPT ports
    LINE_CASES,
    CACHE_CASES,
    STATUS_WPT_CASES,
    SAFELIST_EDGE_CASES,
    XHR_CASES,
    NO_CORS_CASES,
    KEEPALIVE_CASES,
    METHOD_EDGE_CASES,
    STAR_CASES,
    EXPOSE_STAR_CASES,
    REDIRECT_MORE_CASES,
):
    _all.extend(_group)

CASES: list[Case] = _all.cases
BY_ID: dict[str, Case] = {c.id: c for c in CASES}
