"""Write DISAGREEMENTS.md: every case where the cors-doctor CLI and Chromium differ.

    python -m tests.conformance.report            # CLI vs the recorded fixture (no browser)
    python -m tests.conformance.report --live     # CLI vs Chromium running now

Exit code 0 when everything agrees, 1 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python tests/conformance/report.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.conformance"

from . import verdicts  # noqa: E402
from .cases import CASES  # noqa: E402
from .cli import CliRun, run_many  # noqa: E402
from .compare import FIELDS, diff, from_chromium, origin_of  # noqa: E402
from .model import Case  # noqa: E402
from .server import CaseServer  # noqa: E402

OUTPUT = Path(__file__).with_name("DISAGREEMENTS.md")


def render(rows: list[tuple[Case, list, CliRun]], origins, source: str, elapsed: float,
           probes: dict[str, list[dict]]) -> str:
    """Markdown for the disagreements; values are shown with placeholders, not ports."""
    today = _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    by_field = {f: sum(1 for _, d, _ in rows if any(x[0] == f for x in d)) for f in FIELDS}
    out = [
        "# cors-doctor CLI vs Chromium: disagreements",
        "",
        f"Generated {today} by `python -m tests.conformance.report` against {source}: "
        f"{len(CASES)} cases, {len(rows)} with at least one difference "
        f"(CLI runs took {elapsed:.0f} s).",
        "",
        "Fields: `allowed`, `preflight` (a preflight was sent), `acrm` / `acrh` (the preflight's "
        "Access-Control-Request-Method / -Headers), `exposed_headers`, `browser_message` (the "
        "console line), `exit_code` (0 allowed, 1 blocked), `requests` (what reached the "
        "server, in order). Values use `{page}`, `{api}`, `{third}` instead of the random "
        "loopback origins. Chromium is the reference; change cors-doctor, not the expectation.",
        "",
        "| field | cases that differ |",
        "|---|---|",
        *[f"| {f} | {n} |" for f, n in by_field.items()],
        "",
    ]
    if not rows:
        out.append("No disagreements: cors-doctor matches Chromium on every case.")
    if probes:
        origins_seen = sorted({origin_of(r) or "-" for reqs in probes.values() for r in reqs})
        out += ["", f"Not compared: in {len(probes)} cases the CLI also sent its own diagnostic "
                f"requests from another origin ({', '.join(origins_seen)}): "
                + ", ".join(f"`{cid}`" for cid in probes) + "."]
    for case, diffs, run in rows:
        out += ["", f"## {case.id}", "", f"{case.title} ({case.group}). "
                f"Request: `{case.request_summary()}`.", ""]
        for field, chromium, cli in diffs:
            out.append(f"- **{field}**")
            out.append(f"  - Chromium: `{origins.mask_deep(chromium)!r}`")
            out.append(f"  - cors-doctor: `{origins.mask_deep(cli)!r}`")
        if run.problem or run.returncode not in (0, 1):
            out.append(f"- CLI exit code {run.returncode}; {run.problem or ''} stderr: "
                       f"`{origins.mask(run.stderr.strip())[-500:]}`")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="compare with Chromium running now")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with CaseServer(CASES) as server:
        if args.live:
            from .chromium import ChromiumRunner

            with ChromiumRunner() as chromium:
                expected = {cid: from_chromium(o.to_dict())
                            for cid, o in chromium.run(CASES, server).items()}
                source = f"live Chromium {chromium.version}"
        else:
            doc = verdicts.load()
            expected = {cid: from_chromium(server.origins.fill_deep(rec))
                        for cid, rec in doc["cases"].items()}
            source = (f"the fixture recorded with Chromium {doc['version']} "
                      f"on {doc['recorded']}")
        started = time.monotonic()
        runs = run_many(CASES, server)
        elapsed = time.monotonic() - started
        rows = []
        for case in CASES:
            if case.id not in expected:
                continue
            diffs = diff(expected[case.id], runs[case.id].fields())
            if diffs:
                rows.append((case, diffs, runs[case.id]))
        probes = {cid: run.probe_requests for cid, run in runs.items() if run.probe_requests}
        text = render(rows, server.origins, source, elapsed, probes)
        args.output.write_text(text, encoding="utf-8")
    print(f"{len(rows)} of {len(CASES)} cases disagree; wrote {args.output}")
    return 1 if rows else 0


if __name__ == "__main__":
    sys.exit(main())
