"""cors-doctor's prediction for a cookie case: `check --credentials --json` run against the case's API.

The command line runs in-process (typer's CliRunner): the same parsing, probe, verdict and
cookie judgement as the installed command, without a Python start-up per case.
"""

from __future__ import annotations

import json

from .cases import CookieCase
from .server import CookieServers


def predict(servers: CookieServers, case: CookieCase, browser: str, third_party: str) -> dict:
    """{"stored", "partitioned", "sent", "codes"} for the case's cookie, as `check` judges it."""
    from typer.testing import CliRunner

    from cors_doctor.cli.registry import build_app

    app = build_app(["check", "explain"])  # two commands, so `check` is named as on the command line
    argv = [
        "check",
        servers.api_url(case, "set"),
        "--origin",
        servers.page_url(case.placement),
        "--credentials",
        "--json",
        "--browser",
        browser,
        "--third-party-cookies",
        third_party,
        "--timeout",
        "5",
    ]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, (argv, result.output)
    doc = json.loads(result.stdout)
    judged = [j for j in doc["cookies"]["set_cookies"] if j["name"] == case.cookie_name]
    assert len(judged) == 1, doc["cookies"]
    j = judged[0]
    return {
        "stored": j["stored"],
        "partitioned": j["partitioned"],
        "sent": j["sent"],
        "codes": sorted({p["code"] for p in j["problems"]}),
    }


def disagreements(servers: CookieServers, observed: dict, browser: str) -> list[str]:
    """Every case where the prediction differs from what the engine did, in one line each."""
    from .cases import CASES

    out = []
    for profile, data in observed["profiles"].items():
        for case in CASES:
            seen = data["results"][case.id]
            said = predict(servers, case, browser, data["third_party"])
            for key in ("stored", "partitioned", "sent"):
                if key in seen and seen[key] is not None and said[key] != seen[key]:
                    out.append(
                        f"{profile} {case.id}: {key} engine={seen[key]} cors-doctor={said[key]} "
                        f"({case.set_cookie}; {', '.join(said['codes'])})"
                    )
    return out
