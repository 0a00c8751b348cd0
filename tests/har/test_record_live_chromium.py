"""Record fresh HAR files from the installed Chromium and judge them: the stored fixtures are not stale."""

from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import path_of
from .record import record
from .site import CALLS

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_fresh_recordings_are_judged_like_chromium_decided(cli, tmp_path, need_chromium):
    asyncio.run(asyncio.wait_for(record(tmp_path), 120))
    for name in ("playwright.har", "chromium-cdp.har"):
        result = cli("har", str(tmp_path / name), "--json")
        assert result.stderr == "" and result.code == 1
        rows = {path_of(r["url"]): r for r in json.loads(result.stdout)["requests"]}
        for call in CALLS:
            row = rows[call.path]
            assert (row["verdict"] != "allowed") == call.blocked, (name, call.path, row)
            if row["verdict"] == "blocked":
                assert row["code"] == call.code, (name, call.path, row["code"])
