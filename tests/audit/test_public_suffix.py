"""Registrable domains come from the Public Suffix List: names under gov.br, gouv.fr, ac.at or a
shared host like myshopify.com belong to whoever registered them, not to the suffix's owner, so
a server trusting the whole suffix is open to anyone (high with credentials), not a subdomain issue."""

from __future__ import annotations

import pytest

from cors_doctor.audit.model import crafted_origins, make_target, registrable_domain

from .conftest import codes, run_audit


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("portal.receita.gov.br", "receita.gov.br"),
        ("www.impots.gouv.fr", "impots.gouv.fr"),
        ("www.univie.ac.at", "univie.ac.at"),
        ("shop.myshopify.com", "shop.myshopify.com"),
        ("app.example.co.uk", "example.co.uk"),
        ("a.b.example.com", "example.com"),
        ("gov.br", None),
        ("myshopify.com", None),
        ("localhost", None),
        ("127.0.0.1", None),
    ],
)
def test_registrable_domain_follows_the_public_suffix_list(host: str, registrable: str | None) -> None:
    assert registrable_domain(host) == registrable


def test_a_look_alike_on_a_shared_host_is_reachable_by_anyone() -> None:
    [trusted] = make_target("https://api.example.com/me", ("https://shop.myshopify.com",)).trusted
    crafted = {c.value: c for c in crafted_origins((trusted,))}
    # Only the shop's owner can serve under shop.myshopify.com; anyone can open evilshop.myshopify.com.
    assert crafted["https://evil.shop.myshopify.com"].reach == "subdomain"
    assert crafted["https://evilshop.myshopify.com"].reach == "anyone"


def suffix_trusting(suffix: str):
    """A server that allows every origin ending in `suffix`, with credentials (a common shortcut)."""

    def respond(request):
        origin = request.header("Origin")
        headers = [("Content-Type", "application/json"), ("Vary", "Origin")]
        if origin and origin.endswith(suffix):
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        if request.method == "OPTIONS":
            headers += [("Access-Control-Allow-Methods", "GET, PUT")]
            return 204, headers, b""
        return 200, headers, b'{"me": 1}'

    return respond


@pytest.mark.parametrize(
    ("trusted", "suffix"),
    [
        ("https://shop.myshopify.com", ".myshopify.com"),
        ("https://portal.receita.gov.br", ".gov.br"),
    ],
)
def test_trusting_a_public_suffix_is_high_severity(loopback_server, trusted: str, suffix: str) -> None:
    server = loopback_server(suffix_trusting(suffix))
    result = run_audit(f"http://127.0.0.1:{server.port}/me", trusted)
    assert result.error is None
    found = codes(result)
    assert found.get("CD704") == "high" or found.get("CD707") == "high", found
