"""`har`: every cross-origin request in a HAR export, judged offline by the same evaluator.

HarReader(stream, name)          streams entries from a HAR file, memory flat in its size
HarJudge(reader, keep, ...)      pairs preflights with requests and judges each request
run_live(jobs, actual=, batch=, send=)   checks what the HAR cannot show against live servers
"""

from __future__ import annotations

from cors_doctor.har.judge import HarJudge, Summary
from cors_doctor.har.live import run_live, verdict_counts
from cors_doctor.har.stream import HarError, HarReader

__all__ = ["HarError", "HarJudge", "HarReader", "Summary", "run_live", "verdict_counts"]
