"""Record what each engine does with the cookie cases: `python -m tests.cookies.record [chromium]`.

Writes tests/cookies/fixtures/<engine>.json: the engine's version, the settings it ran with
(its own default cookie policy, and a profile with third-party cookies allowed) and, per case,
whether the cookie was stored and whether it came back on the next credentialed fetch().
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .server import CookieServers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RUNNERS = ("chromium", "firefox", "webkit")


def observe(engine: str, servers: CookieServers) -> dict:
    if engine == "chromium":
        from .chromium import run_chromium

        return run_chromium(servers)
    if engine == "firefox":
        from .firefox import run_firefox

        return run_firefox(servers)
    if engine == "webkit":
        from .webkit import run_webkit

        return run_webkit(servers)
    raise SystemExit(f"unknown engine {engine!r}; choose from {', '.join(RUNNERS)}")


def fixture_path(engine: str) -> Path:
    return FIXTURES / f"{engine}.json"


def main(argv: list[str]) -> int:
    for engine in argv or RUNNERS:
        with CookieServers() as servers:
            observed = observe(engine, servers)
        FIXTURES.mkdir(exist_ok=True)
        fixture_path(engine).write_text(json.dumps(observed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        sys.stdout.write(f"recorded {engine} {observed.get('version', '')} -> {fixture_path(engine)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
