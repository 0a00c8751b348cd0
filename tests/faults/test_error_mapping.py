"""The one mapping from network exceptions to cors-doctor errors, fed the exceptions the
libraries really raise (chained the way httpx and httpcore chain them), and the deadline."""

from __future__ import annotations

import socket
import ssl
import time

import httpcore
import httpx
import pytest

from cors_doctor.errors import ConnectError, ProtocolError, TimeoutError_, TLSError, TransportError, UsageError
from cors_doctor.net._errors import Attempt, map_httpx_error, map_transport_error
from cors_doctor.net._transport import Watch

URL = "https://api.example.com/items"


def chained(outer: BaseException, *inner: BaseException) -> BaseException:
    """outer raised from inner[0], raised from inner[1] ... as httpx -> httpcore -> OSError."""
    current = outer
    for exc in inner:
        current.__cause__ = exc
        current = exc
    return outer


def cert_error(code: int, message: str) -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
    exc.verify_code, exc.verify_message = code, message
    return exc


def test_every_mapping_is_one_line():
    cases = [
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        ConnectionRefusedError(111, "Connection refused"),
        cert_error(10, "certificate has expired"),
        httpx.ReadTimeout("timed out"),
        httpcore.RemoteProtocolError("illegal status line: bytearray(b'x\\ny')"),
        RuntimeError("line one\nline two"),
    ]
    for exc in cases:
        assert "\n" not in str(map_transport_error(exc, Attempt(URL)))


def test_dns_failure_through_the_httpx_chain():
    exc = chained(
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpcore.ConnectError("[Errno -2] Name or service not known"),
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
    )
    error = map_httpx_error(exc, URL)
    assert isinstance(error, ConnectError)
    assert str(error) == "cannot resolve the host 'api.example.com': Name or service not known (DNS lookup failed)"


def test_a_temporary_dns_failure_hints_at_being_offline():
    error = map_transport_error(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), Attempt(URL))
    assert "Temporary failure" in str(error) and "offline" in error.hint


def test_dns_failure_of_the_proxy_names_the_proxy():
    attempt = Attempt(
        URL, stage="connect", peer="proxy.corp:3128", proxy="http://proxy.corp:3128", proxy_source="HTTPS_PROXY"
    )
    error = map_transport_error(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), attempt)
    assert "the proxy host 'proxy.corp' (HTTPS_PROXY)" in str(error) and "NO_PROXY" in error.hint


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (18, "self-signed certificate", "is self-signed"),
        (19, "self-signed certificate in certificate chain", "self-signed root that is not trusted"),
        (20, "unable to get local issuer certificate", "unknown CA"),
        (21, "unable to verify the first certificate", "intermediate certificates"),
        (10, "certificate has expired", "has expired"),
        (9, "certificate is not yet valid", "is not valid yet"),
        (
            62,
            "Hostname mismatch, certificate is not valid for 'api.example.com'.",
            "is not valid for 'api.example.com'",
        ),
        (64, "IP address mismatch, certificate is not valid for '10.0.0.1'.", "hostname mismatch"),
        (26, "unsupported certificate purpose", "unsupported certificate purpose"),
    ],
)
def test_certificate_failures_say_which(code, message, expected):
    exc = chained(httpx.ConnectError(str(message)), httpcore.ConnectError(message), cert_error(code, message))
    error = map_transport_error(exc, Attempt(URL, stage="tls", peer="api.example.com:443"))
    assert isinstance(error, TLSError)
    assert str(error).startswith("TLS certificate of api.example.com:443 ")
    assert expected in str(error)
    assert "--insecure" in error.hint


def test_the_unknown_ca_hint_names_cacert():
    error = map_transport_error(cert_error(20, "unable to get local issuer certificate"), Attempt(URL))
    assert "--cacert FILE" in error.hint and "--insecure" in error.hint


@pytest.mark.parametrize(
    ("kind", "stage", "received", "expected"),
    [
        (httpcore.ConnectTimeout, "connect", 0, "connect timeout: no TCP connection to api.example.com:443 within 3 s"),
        (httpcore.ConnectTimeout, "tls", 0, "TLS handshake timeout: api.example.com:443 accepted the connection"),
        (httpcore.WriteTimeout, "send", 0, "write timeout: api.example.com:443 did not take the request within 3 s"),
        (
            httpcore.ReadTimeout,
            "head",
            0,
            "read timeout: api.example.com:443 accepted the connection but did not answer within 3 s",
        ),
        (httpcore.ReadTimeout, "head", 12, "sent only 12 bytes of its reply headers within 3 s"),
        (httpcore.ReadTimeout, "body", 500, "stopped sending the reply body within 3 s"),
    ],
)
def test_timeouts_say_which_phase_and_the_timeout(kind, stage, received, expected):
    error = map_transport_error(kind("timed out"), Attempt(URL, 3.0, stage, "api.example.com:443", received=received))
    assert isinstance(error, TimeoutError_)
    assert expected in str(error)


def test_a_connect_timeout_to_a_proxy_names_the_proxy():
    attempt = Attempt(URL, 2.5, "connect", "10.9.9.9:3128", "http://10.9.9.9:3128", "HTTPS_PROXY")
    error = map_transport_error(httpx.ConnectTimeout("timed out"), attempt)
    assert "the proxy 10.9.9.9:3128 (HTTPS_PROXY) within 2.5 s" in str(error)


def test_connection_reset_mid_body():
    exc = chained(
        httpcore.ReadError("[Errno 104] Connection reset by peer"),
        ConnectionResetError(104, "Connection reset by peer"),
    )
    error = map_transport_error(exc, Attempt(URL, stage="body", peer="api.example.com:443"))
    assert isinstance(error, ProtocolError)
    assert (
        str(error)
        == "api.example.com:443 broke off the connection in the middle of the reply body: Connection reset by peer"
    )


def test_network_unreachable_is_a_connect_error():
    exc = chained(httpcore.ConnectError("[Errno 101] Network is unreachable"), OSError(101, "Network is unreachable"))
    error = map_transport_error(exc, Attempt(URL, stage="connect", peer="api.example.com:443"))
    assert isinstance(error, ConnectError)
    assert str(error) == "cannot connect to api.example.com:443: Network is unreachable"


def test_an_http2_protocol_error():
    import h2.exceptions

    error = map_transport_error(h2.exceptions.ProtocolError("Received frame on closed stream"), Attempt(URL))
    assert isinstance(error, ProtocolError) and "HTTP/2" in str(error)


def test_http2_frames_on_a_plain_port_are_recognised_from_the_first_bytes():
    settings_frame = b"\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64"
    attempt = Attempt("http://127.0.0.1:9/", stage="head", received=15, first_bytes=settings_frame)
    error = map_transport_error(
        httpcore.RemoteProtocolError("Server disconnected without sending a response."), attempt
    )
    assert "answered in HTTP/2 frames" in str(error)


def test_a_tls_answer_on_an_http_url_suggests_https():
    attempt = Attempt("http://127.0.0.1:8443/", stage="head", received=7, first_bytes=b"\x15\x03\x01\x00\x02\x02\x32")
    error = map_transport_error(httpcore.RemoteProtocolError("illegal status line"), attempt)
    assert "it is an https port" in str(error) and "https://" in error.hint


def test_an_invalid_url_from_the_library_is_a_usage_error():
    assert isinstance(map_transport_error(httpx.InvalidURL("Invalid port: 'x'"), Attempt(URL)), UsageError)
    assert isinstance(map_transport_error(UnicodeError("label too long"), Attempt(URL)), UsageError)


def test_anything_else_is_a_transport_error_naming_the_exception():
    error = map_transport_error(RuntimeError("surprise\nsecond line"), Attempt(URL))
    assert type(error) is TransportError
    assert str(error) == f"request to {URL} failed: RuntimeError: surprise"


def test_a_cors_doctor_error_passes_through_unchanged():
    original = UsageError("bad")
    assert map_transport_error(original, Attempt(URL)) is original


def test_the_chain_walk_survives_a_cycle():
    a, b = RuntimeError("a"), RuntimeError("b")
    a.__cause__, b.__cause__ = b, a
    assert "RuntimeError: a" in str(map_transport_error(a, Attempt(URL)))


# -- the whole-request deadline -----------------------------------------------------------


def test_the_watch_shrinks_each_socket_timeout_to_what_is_left():
    watch = Watch()
    watch.start(0.5)
    assert 0.4 < watch.budget(10.0, "read") <= 0.5
    assert watch.budget(0.1, "read") == 0.1
    watch.shorten(0.05)
    assert watch.budget(10.0, "read") <= 0.05


@pytest.mark.parametrize(
    ("kind", "raised"),
    [("connect", httpcore.ConnectTimeout), ("write", httpcore.WriteTimeout), ("read", httpcore.ReadTimeout)],
)
def test_the_watch_raises_the_matching_timeout_when_time_is_up(kind, raised):
    watch = Watch()
    watch.start(0.01)
    time.sleep(0.02)
    with pytest.raises(raised):
        watch.budget(5.0, kind)


def test_the_watch_records_the_first_bytes_and_the_stage():
    watch = Watch()
    watch.start(5)
    watch.got(b"HTTP/1.1 200 OK\r\nServer: x\r\n")
    assert watch.stage == "head" and watch.received == 28 and watch.first_bytes == b"HTTP/1.1 200 OK\r"
