"""Record what real Chromium does for every conformance case into chromium_verdicts.json.

    python -m tests.conformance.record                 # all cases, rewrite the fixture
    python -m tests.conformance.record --case ID ...   # re-record some cases, keep the rest
    python -m tests.conformance.record --check         # compare with the fixture, write nothing

Exit code: 0 on success (with --check: Chromium still matches), 1 when --check found
differences, 2 on setup problems (no Chromium).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python tests/conformance/record.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.conformance"

from . import verdicts  # noqa: E402
from .cases import BY_ID, CASES  # noqa: E402
from .chromium import CHROMIUM, ChromiumRunner  # noqa: E402
from .compare import CHROMIUM_FIELDS, chromium_summary, diff, format_diff  # noqa: E402
from .server import CaseServer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", default=[], metavar="ID",
                        help="only these case ids (repeatable)")
    parser.add_argument("--check", action="store_true",
                        help="compare with the stored fixture instead of writing it")
    parser.add_argument("--output", type=Path, default=verdicts.FIXTURE)
    args = parser.parse_args(argv)

    unknown = [cid for cid in args.case if cid not in BY_ID]
    if unknown:
        parser.error(f"unknown case id(s): {', '.join(unknown)}")
    cases = [BY_ID[cid] for cid in args.case] if args.case else CASES
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2

    started = time.monotonic()
    with CaseServer(CASES) as server, ChromiumRunner() as chromium:
        observations = chromium.run(cases, server)
        origins, version, user_agent = server.origins, chromium.version, chromium.user_agent
    elapsed = time.monotonic() - started

    if args.check:
        stored = verdicts.load(args.output)
        changed = 0
        for cid, obs in observations.items():
            old = stored["cases"].get(cid)
            if old is None:
                print(f"{cid}: not in the fixture")
                changed += 1
                continue
            diffs = diff(chromium_summary(old), chromium_summary(verdicts.masked(obs, origins)),
                         CHROMIUM_FIELDS)
            if diffs:
                changed += 1
                print(format_diff(cid, diffs, "recorded", "now"))
        print(f"Chromium {version}: {len(observations)} cases, {changed} changed, "
              f"{elapsed:.1f} s")
        return 1 if changed else 0

    previous = verdicts.load(args.output) if args.case and args.output.exists() else None
    doc = verdicts.build(observations, origins, version, user_agent, previous)
    verdicts.save(doc, args.output)
    blocked = sum(1 for o in observations.values() if not o.allowed)
    print(f"Chromium {version}: recorded {len(observations)} cases "
          f"({blocked} blocked) into {args.output} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
