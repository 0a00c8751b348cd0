"""Fixtures for `cors-doctor ci` tests: the policy server, policy files, and the CLI with a clean
CI environment (no GitHub variables unless a test sets them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .server import PolicyServer

CLEAN_ENV = {"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": "", "CI": "true"}


@pytest.fixture(scope="module")
def policy_server() -> Iterator[PolicyServer]:
    server = PolicyServer()
    yield server
    server.close()


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text to a fresh policy file and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"policy-{next(counter)}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def ci(cli):
    """Run `cors-doctor ci ARGS` in a subprocess with the clean CI environment (plus `env`)."""

    def run(*args: str, env: dict[str, str] | None = None):
        return cli("ci", *args, env={**CLEAN_ENV, **(env or {})})

    return run


@pytest.fixture
def ci_json(ci):
    """Run `cors-doctor ci ARGS --json` and return (exit code, parsed JSON, stderr)."""

    def run(*args: str, env: dict[str, str] | None = None):
        result = ci(*args, "--json", env=env)
        assert result.stdout.strip(), result.stderr
        return result.code, json.loads(result.stdout), result.stderr

    return run
