"""`ci --json`: one JSON object on stdout, written as results arrive (docs/ci.md has the schema).

The results array is streamed, so a run of any size prints without holding its results; the
per-check counts and the summary follow it, when they are known.
"""

from __future__ import annotations

import json
from typing import IO, Any

from cors_doctor.ci.outcome import Outcome, Tally

SCHEMA_VERSION = 1


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "index": outcome.index,
        "check": outcome.check,
        "check_number": outcome.check_number,
        "line": outcome.line,
        "method": outcome.method,
        "url": outcome.url,
        "origin": outcome.origin,
        "expect": outcome.expect,
        "status": outcome.status,
        "allowed": outcome.allowed,
        "summary": outcome.summary,
        "problems": list(outcome.problems),
        "browser_message": outcome.browser_message,
        "findings": [{"code": f.code, "severity": f.severity, "message": f.message} for f in outcome.findings],
        "notes": list(outcome.notes),
        "elapsed_s": round(outcome.elapsed, 4),
    }


class JsonStream:
    def __init__(self, out: IO[str], source: str, shard: str | None) -> None:
        self.out = out
        self._first = True
        head = {"version": SCHEMA_VERSION, "policy": source, "shard": shard}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "results": [')

    def add(self, outcome: Outcome) -> None:
        self.out.write(("\n  " if self._first else ",\n  ") + json.dumps(outcome_dict(outcome), ensure_ascii=False))
        self._first = False

    def close(self, tally: Tally) -> None:
        checks = [
            {
                "number": t.number,
                "name": t.name,
                "expect": t.expect,
                "line": t.line,
                "total": t.total,
                "passed": t.passed,
                "failed": t.failed,
                "errors": t.errors,
            }
            for t in tally.checks.values()
        ]
        summary = {
            "total": tally.total,
            "passed": tally.passed,
            "failed": tally.failed,
            "errors": tally.errors,
            "ok": tally.ok,
            "elapsed_s": round(tally.elapsed, 3),
        }
        tail = json.dumps({"checks": checks, "summary": summary}, ensure_ascii=False)[1:]
        self.out.write(("" if self._first else "\n") + "], " + tail + "\n")
        self.out.flush()
