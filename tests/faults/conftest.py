"""Fixtures for the fault suite: the CLI as a subprocess, misbehaving loopback servers, and
certificates made on the spot (trustme for a CA and its leaves, cryptography for the rest).

Every server listens on 127.0.0.x with a random port and is stopped when its test ends. The
CLI runs with the proxy variables removed (unless a test sets them), so a developer's proxy
never changes a verdict here.
"""

from __future__ import annotations

import datetime
import os
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._loopback import free_port  # noqa: F401 - for the fault tests

from .servers import ScriptedServer

PAGE = "http://localhost:5173"
HERE = Path(__file__).parent
OFFLINE_RESOLVER = HERE / "offline_resolver.py"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return self.stderr.splitlines()


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES}
    env.update({"NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"})
    env.update(extra or {})
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, offline: bool = False, limit: float = 60.0) -> CliRun:
    """Run `cors-doctor ARGS` in a subprocess; `offline` resolves only loopback names."""
    program = [str(OFFLINE_RESOLVER)] if offline else ["-m", "cors_doctor"]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, *program, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=cli_env(env),
        timeout=limit,
    )
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def assert_one_error(run: CliRun, *fragments: str, hint: str | None = None) -> str:
    """Exit 2, nothing on stdout, one `error:` line (and at most one `hint:` line), no traceback."""
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert run.stdout == "", run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.error_lines
    assert 1 <= len(lines) <= 2, run.stderr
    assert lines[0].startswith("cors-doctor: error: "), run.stderr
    if len(lines) == 2:
        assert lines[1].startswith("cors-doctor: hint: "), run.stderr
    message = lines[0]
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    if hint is not None:
        assert len(lines) == 2 and hint in lines[1], run.stderr
    return message


def assert_traceback_with_debug(run: CliRun) -> None:
    assert run.code == 2, (run.code, run.stderr)
    assert "Traceback (most recent call last)" in run.stderr, run.stderr
    assert "cors-doctor: error: " in run.stderr


def cors(origin: str = PAGE, **extra: str) -> list[tuple[str, str]]:
    headers = [("Access-Control-Allow-Origin", origin)]
    for name, value in extra.items():
        headers.append(("Access-Control-" + name.replace("_", "-").title(), value))
    return headers


@pytest.fixture
def serve():
    """Start ScriptedServers for one test: serve(routes, host=..., ssl_context=...)."""
    started: list[ScriptedServer] = []

    def start(routes, **kwargs) -> ScriptedServer:
        server = ScriptedServer(routes, **kwargs)
        server.__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


# -- certificates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Certs:
    ca_file: str
    ca: object

    def server_context(self, *names: str, **kwargs) -> ssl.SSLContext:
        """A server context with a leaf for `names` issued by this CA."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*names, **kwargs).configure_cert(context)
        return context


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Certs:
    import trustme

    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return Certs(str(path), ca)


def self_signed_context(tmp_path: Path, name: str = "127.0.0.1") -> ssl.SSLContext:
    """A server context with a certificate that signs itself (no CA at all)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "self.pem", tmp_path / "self.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context
