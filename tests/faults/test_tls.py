"""TLS failures name what is wrong with the certificate and point at --cacert or --insecure.

Certificates are made per session (trustme CA and leaves, a self-signed leaf with
cryptography) and served by the stdlib ssl module on 127.0.0.1.
"""

from __future__ import annotations

import datetime
import json

import pytest

from .conftest import PAGE, assert_one_error, cors, run_cli, self_signed_context
from .servers import reply

NOW = datetime.datetime.now(datetime.UTC)
OK = {"/items": reply(200, cors(PAGE), b"[]")}


def check(url: str, *args: str):
    return run_cli("check", url, "--origin", PAGE, "--json", *args)


@pytest.fixture
def trusted_by_our_ca(serve, certs):
    return serve(OK, ssl_context=certs.server_context("127.0.0.1", "localhost"))


def test_a_certificate_from_an_unknown_ca_is_an_error_with_the_cacert_hint(trusted_by_our_ca):
    run = check(trusted_by_our_ca.url("/items"))
    assert_one_error(run, "TLS certificate of 127.0.0.1:", "unknown CA", hint="--cacert FILE")
    assert "--insecure" in run.stderr
    assert trusted_by_our_ca.log == []  # nothing was sent over a connection that failed verification


def test_cacert_pointing_at_the_ca_makes_it_work(trusted_by_our_ca, certs):
    for host in ("127.0.0.1", "localhost"):
        run = check(trusted_by_our_ca.url("/items", host=host), "--cacert", certs.ca_file)
        assert run.code == 0, run.stderr
        assert json.loads(run.stdout)["allowed"] is True
    assert trusted_by_our_ca.methods() == ["GET", "GET"]


def test_a_self_signed_certificate_is_named_as_such(serve, tmp_path):
    server = serve(OK, ssl_context=self_signed_context(tmp_path))
    assert_one_error(check(server.url("/items")), "is self-signed", hint="--insecure")


def test_insecure_skips_verification(serve, tmp_path):
    server = serve(OK, ssl_context=self_signed_context(tmp_path))
    run = check(server.url("/items"), "--insecure")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["allowed"] is True


def test_an_expired_certificate_names_the_expiry(serve, certs):
    context = certs.server_context(
        "127.0.0.1", not_before=NOW - datetime.timedelta(days=60), not_after=NOW - datetime.timedelta(days=1)
    )
    server = serve(OK, ssl_context=context)
    run = check(server.url("/items"), "--cacert", certs.ca_file)
    assert_one_error(run, "has expired", "notAfter", hint="--insecure")


def test_a_certificate_that_is_not_valid_yet(serve, certs):
    context = certs.server_context(
        "127.0.0.1", not_before=NOW + datetime.timedelta(days=2), not_after=NOW + datetime.timedelta(days=60)
    )
    server = serve(OK, ssl_context=context)
    assert_one_error(check(server.url("/items"), "--cacert", certs.ca_file), "is not valid yet")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_certificate_for_another_host_names_the_mismatch(serve, certs, host):
    server = serve(OK, ssl_context=certs.server_context("api.other.example"))
    run = check(server.url("/items", host=host), "--cacert", certs.ca_file)
    assert_one_error(run, f"is not valid for '{host}'", "hostname mismatch", hint="--insecure")


def test_insecure_also_accepts_a_wrong_host_and_an_expired_certificate(serve, certs):
    expired_elsewhere = certs.server_context(
        "api.other.example", not_before=NOW - datetime.timedelta(days=60), not_after=NOW - datetime.timedelta(days=1)
    )
    server = serve(OK, ssl_context=expired_elsewhere)
    run = check(server.url("/items", host="localhost"), "--insecure")
    assert run.code == 0, run.stderr


def test_a_handshake_the_server_refuses_is_one_line(serve, certs):
    """A server that demands a client certificate aborts the handshake."""
    import ssl

    context = certs.server_context("127.0.0.1")
    context.verify_mode = ssl.CERT_REQUIRED
    certs.ca.configure_trust(context)
    server = serve(OK, ssl_context=context)
    run = check(server.url("/items"), "--cacert", certs.ca_file)
    assert_one_error(run, "127.0.0.1:")
    assert "client certificate" in run.stderr
