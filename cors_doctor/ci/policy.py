"""The policy of `cors-doctor ci`: checks, their expectations, the cases they expand to, shards.

docs/ci.md has the file format; policy_file.py reads and validates it into these objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from cors_doctor.errors import UsageError
from cors_doctor.model import Browser, Headers, RequestSpec

Expect = Literal["allow", "block"]
SAFE_METHODS = frozenset({"GET", "HEAD"})
DEFAULT_TIMEOUT = 10.0


class PolicyError(UsageError):
    """The policy file is invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems in the policy file")
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Expectation:
    """What must hold for a check to pass."""

    verdict: Expect
    max_age_at_least: int | None = None
    exposed_headers: tuple[str, ...] = ()
    vary_origin: bool = False


@dataclass(frozen=True)
class PolicyCheck:
    """One [[check]] entry, defaults applied; it expands to urls × origins cases."""

    number: int
    name: str
    line: int | None
    urls: tuple[str, ...]
    origins: tuple[str, ...]
    method: str
    headers: Headers
    credentials: bool
    actual: bool
    body: str | None
    browser: Browser
    timeout: float
    expect: Expectation
    on_app: bool = False  # paths on the policy's application, in-process (URLs on APP_HOST)

    @property
    def case_count(self) -> int:
        return len(self.urls) * len(self.origins)

    @property
    def preflight_only(self) -> bool:
        """True when only the preflight is verified (the actual request would not be safe to send)."""
        return self.method.upper() not in SAFE_METHODS and not self.actual


@dataclass(frozen=True)
class Case:
    """One request to check: a policy check, one of its URLs and one of its origins."""

    index: int
    check: PolicyCheck
    url: str
    origin: str

    def spec(self) -> RequestSpec:
        c = self.check
        return RequestSpec(self.url, self.origin, c.method, c.headers, c.credentials, c.body, c.browser)


@dataclass(frozen=True)
class Shard:
    """`--shard K/N`: this job runs the cases whose position modulo N is K-1."""

    index: int
    total: int

    def size(self, case_count: int) -> int:
        return len(range(self.index - 1, case_count, self.total))

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


@dataclass(frozen=True)
class Policy:
    """`app` (an import string) and `app_dir`: the checks run in-process against that application."""

    source: str
    checks: tuple[PolicyCheck, ...]
    app: str | None = None
    app_dir: str | None = None

    @property
    def case_count(self) -> int:
        return sum(c.case_count for c in self.checks)

    def cases(self, shard: Shard | None = None) -> Iterator[Case]:
        """Every case in file order (check, then URL, then origin), or one shard of them."""
        index = 0
        for check in self.checks:
            for url in check.urls:
                for origin in check.origins:
                    if shard is None or index % shard.total == shard.index - 1:
                        yield Case(index, check, _on_app(url, origin) if check.on_app else url, origin)
                    index += 1


def _on_app(url: str, origin: str) -> str:
    """A path on the policy's application takes the page's scheme, as in the Python API."""
    from cors_doctor.app_import import app_url

    return app_url("/" + url.split("/", 3)[3], origin)


def parse_shard(text: str) -> Shard:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise UsageError(f"--shard {text!r} is not K/N, e.g. --shard 2/4 runs the second quarter")
    index, total = int(match[1]), int(match[2])
    if total < 1 or not 1 <= index <= total:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N (N ≥ 1), e.g. --shard 1/{max(total, 2)}")
    return Shard(index, total)
