"""Which origins the audit forges, and which requests it plans (pure, no network)."""

from __future__ import annotations

import pytest

from cors_doctor.audit.model import (
    ARBITRARY_ORIGIN,
    crafted_origins,
    error_path_url,
    is_private_host,
    make_target,
    plan_probes,
    registrable_domain,
)
from cors_doctor.errors import UsageError


@pytest.mark.parametrize(
    "host, expected",
    [
        ("app.example.com", "example.com"),
        ("example.com", "example.com"),
        ("a.b.shop.example.co.uk", "example.co.uk"),
        ("me.github.io", "me.github.io"),
        ("bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"),
        ("127.0.0.1", None),
        ("[::1]", None),
        ("localhost", None),
    ],
)
def test_registrable_domain(host, expected):
    assert registrable_domain(host) == expected


def _by_kind(target):
    out: dict[str, dict[str, str]] = {}
    for c in crafted_origins(target.trusted):
        out.setdefault(c.kind, {})[c.value] = c.reach
    return out


def test_look_alikes_of_a_trusted_origin():
    kinds = _by_kind(make_target("http://127.0.0.1:8000/items", ["https://app.example.com"]))
    assert kinds["arbitrary"] == {ARBITRARY_ORIGIN: "anyone"}
    assert kinds["null"] == {"null": "anyone"}
    assert kinds["prefix"] == {"https://app.example.com.evil.example": "anyone"}
    assert kinds["suffix"] == {"https://evilexample.com": "anyone", "https://evilapp.example.com": "subdomain"}
    assert kinds["substring"] == {"https://app.example.co": "anyone", "https://xample.com": "anyone"}
    assert kinds["unescaped-dot"] == {"https://appxexample.com": "anyone"}
    assert kinds["subdomain"] == {"https://evil.app.example.com": "subdomain", "https://evil.example.com": "subdomain"}
    assert kinds["http"] == {"http://app.example.com": "network"}
    assert set(kinds["special-char"]) == {
        "https://app.example.com_.evil.example",
        "https://app.example.com`.evil.example",
        "https://app.example.com%60.evil.example",
    }
    assert set(kinds["special-char"].values()) == {"browser"}
    assert "https://evil.github.io" in kinds["third-party"]
    assert kinds["localhost"] == {
        "http://localhost": "local",
        "http://localhost:3000": "local",
        "http://127.0.0.1": "local",
    }


def test_port_stays_at_the_end_of_look_alikes():
    kinds = _by_kind(make_target("http://127.0.0.1:8000/", ["http://localhost:5173"]))
    assert "http://localhost.evil.example:5173" in kinds["prefix"]
    assert "http" not in kinds  # the trusted origin is already http
    assert "http://localhost:3000" in kinds["localhost"]


def test_unescaped_dot_under_the_trusted_domain_needs_a_subdomain():
    kinds = _by_kind(make_target("https://api.example.com/", ["https://api.v2.example.com"]))
    assert kinds["unescaped-dot"] == {"https://apixv2.example.com": "subdomain", "https://api.v2xexample.com": "anyone"}


def test_trusted_values_are_never_probed_as_attacks():
    target = make_target("https://api.example.com/", ["https://app.example.com", "http://app.example.com"])
    values = {c.value for c in crafted_origins(target.trusted)}
    assert "http://app.example.com" not in values and "https://app.example.com" not in values
    assert len(values) == len(crafted_origins(target.trusted))  # no duplicates


def test_without_origin_the_candidates_come_from_the_url():
    target = make_target("https://api.example.com/v1/me")
    assert [(t.origin, t.source) for t in target.trusted] == [
        ("https://api.example.com", "derived"),
        ("https://example.com", "derived"),
        ("https://www.example.com", "derived"),
    ]
    values = {c.value for c in crafted_origins(target.trusted)}
    assert {"https://wwwxexample.com", "https://example.com.evil.example", "https://evilexample.com"} <= values


def test_loopback_url_without_origin_gets_ip_look_alikes_only():
    target = make_target("http://127.0.0.1:9000/x")
    assert [t.origin for t in target.trusted] == ["http://127.0.0.1:9000"]
    kinds = _by_kind(target)
    assert kinds["prefix"] == {"http://127.0.0.1.evil.example:9000": "anyone"}
    assert not {"suffix", "substring", "unescaped-dot", "subdomain"} & set(kinds)


@pytest.mark.parametrize(
    "origin, message",
    [
        ("null", "never a trusted origin"),
        ("app.example.com", "no scheme"),
        ("https://app.example.com/", "trailing slash"),
    ],
)
def test_bad_trusted_origins_are_usage_errors(origin, message):
    with pytest.raises(UsageError, match=message):
        make_target("https://api.example.com/", [origin])


def test_only_get_and_options_are_planned():
    probes = plan_probes(
        make_target("https://api.example.com/items", ["https://app.example.com"], preflight_method="delete")
    )
    assert {p.method for p in probes} == {"GET", "OPTIONS"}
    assert probes[0].purpose == "baseline" and probes[0].origin is None
    assert all(dict(p.headers).get("Origin") == p.origin for p in probes if p.origin is not None)
    preflights = [p for p in probes if p.is_preflight]
    assert all(dict(p.headers)["Access-Control-Request-Method"] in ("DELETE", "GET") for p in preflights)
    pna = [p for p in probes if p.purpose == "private-network"]
    assert [p.origin for p in pna] == ["https://app.example.com", ARBITRARY_ORIGIN]
    assert all(dict(p.headers)["Access-Control-Request-Private-Network"] == "true" for p in pna)
    assert len({p.key for p in probes}) == len(probes)


def test_error_path_is_stable_and_next_to_the_target():
    url = "https://api.example.com/v1/items?x=1"
    assert error_path_url(url) == error_path_url(url)
    assert error_path_url(url).startswith("https://api.example.com/v1/cors-doctor-missing-")


@pytest.mark.parametrize(
    "host, private",
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("[::1]", True),
        ("localhost", True),
        ("printer.local", True),
        ("api.example.com", False),
        ("8.8.8.8", False),
    ],
)
def test_private_hosts(host, private):
    assert is_private_host(host) is private


def test_first_round_asks_the_broad_origins_only():
    probes = plan_probes(make_target("https://api.example.com/items", ["https://app.example.com"]))
    crafted = [(p.method, p.origin) for p in probes if p.purpose == "crafted"]
    assert crafted == [("GET", ARBITRARY_ORIGIN), ("OPTIONS", ARBITRARY_ORIGIN), ("GET", "null"), ("OPTIONS", "null")]
    assert len(probes) == 10  # docs/audit.md, "What is sent"
