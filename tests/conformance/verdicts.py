"""Reading and writing chromium_verdicts.json, the recorded truth of what Chromium did.

Layout:
    {"chromium_version": "...", "user_agent": "...", "recorded": "YYYY-MM-DD",
     "case_count": N,
     "cases": {case_id: {allowed, preflight_sent, acrm, acrh, exposed_headers, console_message,
                         status, body, error, console, requests}}}
All strings carry placeholders ({page}, {api}, {third}, {*_port}) instead of ports.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from .chromium import Observation
from .origins import Origins

FIXTURE = Path(__file__).with_name("chromium_verdicts.json")


def load(path: Path = FIXTURE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def masked(observation: Observation, origins: Origins) -> dict:
    """An observation as stored: ports replaced by placeholders."""
    return origins.mask_deep(observation.to_dict())


def build(observations: dict[str, Observation], origins: Origins, version: str,
          user_agent: str | None, previous: dict | None = None) -> dict:
    """A fixture document; with `previous`, cases not re-run are kept from it."""
    cases = dict((previous or {}).get("cases", {}))
    cases.update({cid: masked(obs, origins) for cid, obs in observations.items()})
    return {
        "chromium_version": version,
        "user_agent": user_agent,
        "recorded": _dt.datetime.now(_dt.timezone.utc).date().isoformat(),
        "case_count": len(cases),
        "cases": dict(sorted(cases.items())),
    }


def save(doc: dict, path: Path = FIXTURE) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
