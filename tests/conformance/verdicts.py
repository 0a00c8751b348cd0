"""Reading and writing <engine>_verdicts.json, the recorded truth of what each engine did.

Layout (one file per engine: chromium_verdicts.json, firefox_verdicts.json, webkit_verdicts.json):
    {"engine": "firefox", "version": "...", "user_agent": "...",
     "settings": {...launch arguments, prefs, cookie policy...},
     "recorded": "YYYY-MM-DD", "case_count": N,
     "cases": {case_id: {allowed, preflight_sent, acrm, acrh, exposed_headers, console_message,
                         status, body, error, console, requests}}}
All strings carry placeholders ({page}, {api}, {third}, {*_port}) instead of ports.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from .engine import ENGINES, Observation
from .origins import Origins

FIXTURE = ENGINES["chromium"].fixture


def load(path: Path = FIXTURE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def masked(observation: Observation, origins: Origins) -> dict:
    """An observation as stored: ports replaced by placeholders."""
    return origins.mask_deep(observation.to_dict())


def build(
    engine: str, observations: dict[str, Observation], origins: Origins, runner, previous: dict | None = None
) -> dict:
    """A fixture document for `engine` from a runner that just ran; with `previous`, cases not
    re-run are kept from it."""
    cases = dict((previous or {}).get("cases", {}))
    cases.update({cid: masked(obs, origins) for cid, obs in observations.items()})
    return {
        "engine": engine,
        "version": runner.version,
        "user_agent": runner.user_agent,
        "settings": runner.settings,
        "recorded": _dt.datetime.now(_dt.UTC).date().isoformat(),
        "case_count": len(cases),
        "cases": dict(sorted(cases.items())),
    }


def save(doc: dict, path: Path = FIXTURE) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
