"""Record what a real browser engine does for every conformance case into <engine>_verdicts.json.

    python -m tests.conformance.record                          # Chromium, all cases
    python -m tests.conformance.record --engine firefox         # Firefox (or webkit, chromium)
    python -m tests.conformance.record --engine all             # every engine, one after another
    python -m tests.conformance.record --case ID ...            # re-record some cases, keep the rest
    python -m tests.conformance.record --check                  # compare with the fixture, write nothing

Exit code: 0 on success (with --check: the engine still matches), 1 when --check found
differences, 2 on setup problems (browser or driver missing).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python tests/conformance/record.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.conformance"

from . import verdicts
from .cases import BY_ID, CASES
from .compare import ENGINE_FIELDS, diff, engine_summary, format_diff
from .engine import ENGINES, Engine
from .model import Case
from .server import CaseServer


def check(engine: Engine, observations: dict, origins, output: Path) -> int:
    """Print what changed against the stored fixture; the number of changed cases."""
    stored = verdicts.load(output)
    changed = 0
    for cid, obs in observations.items():
        old = stored["cases"].get(cid)
        if old is None:
            print(f"{engine.name} {cid}: not in the fixture")
            changed += 1
            continue
        case = BY_ID[cid]
        diffs = diff(engine_summary(old, case), engine_summary(verdicts.masked(obs, origins), case), ENGINE_FIELDS)
        if diffs:
            changed += 1
            print(format_diff(cid, diffs, "recorded", "now"))
    return changed


def record_engine(engine: Engine, cases: list[Case], output: Path, only_some: bool, check_only: bool) -> int:
    reason = engine.missing()
    if reason:
        print(f"{engine.label}: {reason}", file=sys.stderr)
        return 2
    started = time.monotonic()
    with CaseServer(CASES) as server, engine.runner() as runner:
        observations = runner.run(cases, server)
    elapsed = time.monotonic() - started
    if check_only:
        changed = check(engine, observations, server.origins, output)
        print(f"{engine.label} {runner.version}: {len(observations)} cases, {changed} changed, {elapsed:.1f} s")
        return 1 if changed else 0
    previous = verdicts.load(output) if only_some and output.exists() else None
    doc = verdicts.build(engine.name, observations, server.origins, runner, previous)
    verdicts.save(doc, output)
    blocked = sum(1 for o in observations.values() if not o.allowed)
    print(
        f"{engine.label} {runner.version}: recorded {len(observations)} cases "
        f"({blocked} blocked) into {output} in {elapsed:.1f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="chromium", choices=[*ENGINES, "all"])
    parser.add_argument("--case", action="append", default=[], metavar="ID", help="only these case ids (repeatable)")
    parser.add_argument("--check", action="store_true", help="compare with the stored fixture instead of writing it")
    parser.add_argument("--output", type=Path, default=None, help="fixture file (default: <engine>_verdicts.json here)")
    args = parser.parse_args(argv)

    unknown = [cid for cid in args.case if cid not in BY_ID]
    if unknown:
        parser.error(f"unknown case id(s): {', '.join(unknown)}")
    engines = list(ENGINES.values()) if args.engine == "all" else [ENGINES[args.engine]]
    if args.output is not None and len(engines) > 1:
        parser.error("--output needs a single --engine")
    cases = [BY_ID[cid] for cid in args.case] if args.case else CASES
    worst = 0
    for engine in engines:
        code = record_engine(engine, cases, args.output or engine.fixture, bool(args.case), args.check)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    sys.exit(main())
