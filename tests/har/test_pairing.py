"""Pairing preflights and redirect hops with their request, on reshuffled copies of a real recording.

Chrome's DevTools writes a preflight as its own entry, usually just after the request it serves.
These tests move, pad, drop and repeat the entries recorded from Chromium to check that pairing
does not depend on the exact order, and that nothing is silently lost when it cannot pair.
"""

from __future__ import annotations

import copy
import io
import json

from cors_doctor.har import judge as har_module
from cors_doctor.har.judge import HarJudge
from cors_doctor.har.stream import HarReader

from .conftest import FIXTURES, path_of
from .site import BY_PATH, CALLS


def recording() -> dict:
    return json.loads((FIXTURES / "chromium-cdp.har").read_text(encoding="utf-8"))


def is_preflight(entry: dict) -> bool:
    return entry.get("_resourceType") == "preflight"


def judge(doc: dict) -> tuple[list[dict], har_module.Summary]:
    rows: list[dict] = []
    reader = HarReader(io.BytesIO(json.dumps(doc).encode()), "variant.har", chunk=997)
    summary = HarJudge(reader, rows.append).run()
    return rows, summary


def outcomes(rows: list[dict]) -> dict[str, tuple[str, str | None]]:
    return {path_of(r["url"]): (r["verdict"], r["code"]) for r in rows}


BASELINE = dict(outcomes(judge(recording())[0]).items())


def test_baseline_matches_chromium():
    for call in CALLS:
        verdict, code = BASELINE[call.path]
        if not call.blocked:
            assert verdict == "allowed"
        elif call.preflight:
            assert (verdict, code) == ("blocked", call.code)
        else:
            assert verdict == "not-judged"


def test_preflight_before_or_after_its_request():
    doc = recording()
    entries = doc["log"]["entries"]
    for i in range(len(entries) - 1):  # swap every request with the preflight that follows it
        if is_preflight(entries[i + 1]) and not is_preflight(entries[i]):
            entries[i], entries[i + 1] = entries[i + 1], entries[i]
    assert outcomes(judge(doc)[0]) == BASELINE


def padded(count: int, like: str) -> dict:
    """The recording with `count` copies of the entry for `like` before every preflight."""
    doc = recording()
    filler = next(e for e in doc["log"]["entries"] if e["request"]["url"].endswith(like))
    out = []
    for entry in doc["log"]["entries"]:
        if is_preflight(entry):
            for n in range(count):
                copied = copy.deepcopy(filler)
                copied["request"]["url"] += f"?filler={len(out)}-{n}"
                out.append(copied)
        out.append(entry)
    doc["log"]["entries"] = out
    return doc


def test_any_number_of_same_origin_entries_in_between():
    rows, summary = judge(padded(3 * har_module.WINDOW, "/local.json"))
    assert outcomes(rows) == BASELINE
    assert summary.same_origin > 3 * har_module.WINDOW


def test_other_cross_origin_requests_in_between_within_the_window():
    rows, _ = judge(padded(har_module.WINDOW // 2, "/ok"))
    assert dict(outcomes(rows).items()) == BASELINE


def test_a_preflight_too_far_away_is_still_diagnosed_on_its_own():
    rows, summary = judge(padded(har_module.WINDOW + 10, "/ok"))
    for call in CALLS:
        if call.blocked and call.preflight:
            mine = [r for r in rows if path_of(r["url"]) == call.path]
            assert {r["verdict"] for r in mine} == {"not-judged", "blocked"}, call.path
            alone = next(r for r in mine if r["verdict"] == "blocked")
            assert alone["code"] == call.code and "not the request" in alone["note"]
    assert summary.preflights_unpaired == sum(1 for c in CALLS if c.preflight)


def test_preflights_without_their_requests():
    doc = recording()
    doc["log"]["entries"] = [
        e
        for e in doc["log"]["entries"]
        if is_preflight(e) or not (BY_PATH.get(path_of(e["request"]["url"])) or CALLS[0]).preflight
    ]
    rows, summary = judge(doc)
    alone = {path_of(r["url"]): r for r in rows if r["note"] and "not the request" in r["note"]}
    failing = {c.path for c in CALLS if c.preflight and c.blocked}
    assert set(alone) == failing
    for path in failing:
        assert alone[path]["code"] == BY_PATH[path].code
        assert alone[path]["method"] != "OPTIONS"
    assert summary.preflights_unpaired == sum(1 for c in CALLS if c.preflight)


def test_without_preflight_entries_the_failures_are_left_for_live_checks():
    doc = recording()
    doc["log"]["entries"] = [e for e in doc["log"]["entries"] if not is_preflight(e)]
    rows, _ = judge(doc)
    for row in rows:
        call = BY_PATH[path_of(row["url"])]
        if call.blocked and call.preflight:
            assert row["verdict"] == "not-judged" and row["preflight"] == "not-recorded"
            assert row["live"]  # queued for --live


def test_a_cached_preflight_serves_a_later_request():
    doc = recording()
    entries = doc["log"]["entries"]
    put = next(e for e in entries if path_of(e["request"]["url"]) == "/items" and e["request"]["method"] == "PUT")
    again = copy.deepcopy(put)
    again["startedDateTime"] = entries[-1]["startedDateTime"]
    entries.append(again)
    rows, _ = judge(doc)
    puts = [r for r in rows if path_of(r["url"]) == "/items"]
    assert len(puts) == 2
    assert all(r["verdict"] == "allowed" and r["preflight"] == "recorded" for r in puts)


def test_redirect_hops_join_their_request():
    rows, summary = judge(recording())
    moved = [r for r in rows if path_of(r["url"]) in ("/moved", "/ok")]
    assert [path_of(r["url"]) for r in moved].count("/ok") == 1  # the hop is not listed on its own
    assert next(r for r in moved if path_of(r["url"]) == "/moved")["redirects"] == 1
    assert summary.cors_requests == len(CALLS)
