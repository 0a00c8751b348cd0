"""FastAPI with allow_origins=["*"] and allow_credentials=True echoes every origin: the one
request `check` sends cannot tell that from an allow-list, and the check says so (CD612)."""

from __future__ import annotations

from .servers import PAGE


def test_an_echo_with_credentials_is_never_silent(starlette_server, check):
    code, result = check(starlette_server("wildcard-credentials") + "/items", "--origin", PAGE, "--credentials")
    assert code == 0 and result["allowed"] is True  # the browser allows it: that is the danger
    finding = next(f for f in result["findings"] if f["code"] == "CD612")
    assert finding["severity"] == "info"
    assert "--probe-reflection" in finding["fix"] and "cors-doctor audit" in finding["fix"]
    assert "foreign origin" in finding["message"]


def test_the_probe_replaces_the_note_with_the_answer(starlette_server, check):
    url = starlette_server("wildcard-credentials") + "/items"
    _, echo = check(url, "--origin", PAGE, "--credentials", "--probe-reflection")
    codes = {f["code"] for f in echo["findings"]}
    assert "CD607" in codes and "CD612" not in codes
    _, listed = check(starlette_server("explicit") + "/items", "--origin", PAGE, "--credentials", "--probe-reflection")
    assert not {"CD607", "CD612"} & {f["code"] for f in listed["findings"]}


def test_without_allowed_credentials_there_is_nothing_to_tell(starlette_server, check):
    _, result = check(starlette_server("defaults") + "/items", "--origin", PAGE, "--credentials")
    assert "CD612" not in {f["code"] for f in result["findings"]}
