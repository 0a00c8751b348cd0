"""`cors-doctor har --json`: one object, written as it is produced (docs/har.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from cors_doctor.har import Summary, verdict_counts

SCHEMA_VERSION = 1


def summary_dict(summary: Summary, live: dict[str, dict] | None) -> dict:
    s = summary
    out = {
        "entries": s.entries,
        "cors_requests": s.cors_requests,
        "blocked": s.blocked,
        "allowed": s.allowed,
        "not_judged": s.not_judged,
        "failed_in_browser": s.failed_in_browser,
        "same_origin": s.same_origin,
        "no_cors": s.no_cors,
        "other": s.other,
        "preflights": s.preflights,
        "preflights_unpaired": s.preflights_unpaired,
        "blocked_by": dict(s.codes.most_common()),
        "live": None,
    }
    if live is not None:
        out["live"] = verdict_counts(live)
    return out


def write(
    out: TextIO, name: str, lines: Iterable[tuple[str, str]], summary: Summary, live: dict[str, dict] | None
) -> None:
    """Stream the object from (live key, row JSON) pairs: rows are never all in memory."""
    out.write(
        '{\n  "version": %d,\n  "file": %s,\n  "browser": %s,\n  "requests": ['
        % (SCHEMA_VERSION, json.dumps(name, ensure_ascii=False), json.dumps(summary.browser))
    )
    first = True
    for key, text in lines:
        if live is not None and key:
            text = json.dumps(json.loads(text) | {"live": live.get(key)}, ensure_ascii=False)
        out.write(("\n    " if first else ",\n    ") + text)
        first = False
    out.write(("\n  " if not first else "") + '],\n  "summary": ')
    out.write(json.dumps(summary_dict(summary, live), ensure_ascii=False) + "\n}\n")
