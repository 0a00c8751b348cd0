"""Speed and memory of `cors-doctor har` on a large HAR file.

Generates a HAR of N entries (default 100,000, about 175 MB) in a temporary directory from the
entries recorded from real Chromium in tests/har/fixtures/chromium-cdp.har (DevTools layout:
preflights as entries of their own, blocked requests with status 0): the recorded entries are
repeated with distinct URLs (?n=K) and advancing times, so 60% of the entries are cross-origin
CORS requests to judge (a real export has far more same-origin and asset entries). Then runs `cors-doctor har FILE --json` (and the console
output) in a child process, output to /dev/null, and prints per run: wall time, entries per
second by wall clock and by CPU time (steadier on a busy machine), and the child's peak RSS
(both from wait4).

Bounded memory means the peak RSS stays about the same for N and 10×N entries: run with
`--entries 10000` and `--entries 100000` to compare, or pass `--scaling` to do both.

Usage: python benchmarks/har.py [--entries 100000] [--rounds 3] [--scaling] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(REPO, "tests", "har", "fixtures", "chromium-cdp.har")


def generate(path: str, entries: int) -> int:
    """Write a HAR of `entries` entries built from the recorded ones; returns its size in bytes."""
    with open(FIXTURE, encoding="utf-8") as fh:
        recorded = json.load(fh)["log"]
    base = recorded["entries"]
    with open(path, "w", encoding="utf-8") as out:
        head = {k: v for k, v in recorded.items() if k != "entries"}
        out.write('{"log": ' + json.dumps(head)[:-1] + ', "entries": [\n')
        written = 0
        round_no = 0
        while written < entries:
            for entry in base:
                if written >= entries:
                    break
                item = json.loads(json.dumps(entry))
                suffix = f"?n={round_no}"
                item["request"]["url"] += suffix
                if item["response"].get("redirectURL"):
                    item["response"]["redirectURL"] += suffix
                    for h in item["response"]["headers"]:
                        if h["name"].lower() == "location":
                            h["value"] += suffix
                started = datetime.fromisoformat(item["startedDateTime"].replace("Z", "+00:00"))
                item["startedDateTime"] = (
                    (started + timedelta(seconds=2 * round_no))
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z")
                )
                out.write(("" if written == 0 else ",\n") + json.dumps(item))
                written += 1
            round_no += 1
        out.write("\n]}}\n")
    return os.path.getsize(path)


def run(path: str, *args: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in KB) of one `cors-doctor har` run."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cors_doctor", "har", path, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"cors-doctor har failed ({proc.returncode}): {stderr.strip()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(entries: int, rounds: int, directory: str) -> None:
    path = os.path.join(directory, f"generated-{entries}.har")
    t0 = time.perf_counter()
    size = generate(path, entries)
    print(f"generated {entries:,} entries, {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s: {path}")
    for label, args in (("--json", ("--json",)), ("console", ())):
        walls, cpus, peaks = [], [], []
        for _ in range(rounds):
            wall, cpu, peak = run(path, *args)
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"  har {label:8} wall {wall:6.2f} s  {entries / wall:8,.0f} entries/s  {size / 1e6 / wall:5.1f} MB/s  |  "
            f"CPU {cpu:6.2f} s  {entries / cpu:8,.0f} entries/CPU-s  |  peak RSS {max(peaks) / 1024:6.1f} MB"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scaling", action="store_true", help="also run with a tenth of the entries")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="cors-doctor-har-bench-")
    try:
        if args.scaling:
            measure(max(1, args.entries // 10), args.rounds, directory)
        measure(args.entries, args.rounds, directory)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
