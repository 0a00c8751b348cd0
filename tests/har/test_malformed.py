"""A HAR that cannot be read: one line on stderr saying what is wrong and where, exit 2, no output."""

from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES


def assert_one_error_line(result, *expected: str) -> str:
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("cors-doctor: error: ")
    for text in expected:
        assert text in first, first
    return first


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.97])
def test_truncated_file(cli, tmp_path, fraction):
    raw = (FIXTURES / "chromium-cdp.har").read_bytes()
    path = tmp_path / "cut.har"
    path.write_bytes(raw[: int(len(raw) * fraction)])
    assert_one_error_line(cli("har", str(path)), "cut.har", "truncated", "log.entries[", "byte ")


def test_missing_entries(cli, tmp_path):
    path = tmp_path / "no-entries.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "pages": []}}), encoding="utf-8")
    assert_one_error_line(cli("har", str(path)), "no-entries.har", "'log' has no 'entries' array")


def test_entry_without_request(cli, tmp_path):
    doc = json.loads((FIXTURES / "playwright.har").read_text(encoding="utf-8"))
    del doc["log"]["entries"][3]["request"]
    path = tmp_path / "no-request.har"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert_one_error_line(cli("har", str(path), "--json"), "log.entries[3] has no 'request' object")


def test_request_without_url(cli, tmp_path):
    doc = json.loads((FIXTURES / "playwright.har").read_text(encoding="utf-8"))
    del doc["log"]["entries"][2]["request"]["url"]
    path = tmp_path / "no-url.har"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert_one_error_line(cli("har", str(path)), "log.entries[2].request has no 'url'")


def test_headers_that_are_not_a_list(cli, tmp_path):
    doc = json.loads((FIXTURES / "playwright.har").read_text(encoding="utf-8"))
    doc["log"]["entries"][1]["response"]["headers"] = "Content-Type: text/html"
    path = tmp_path / "headers.har"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert_one_error_line(cli("har", str(path)), "log.entries[1].response.headers is not a list")


def test_not_json_at_all(cli, tmp_path):
    path = tmp_path / "page.har"
    path.write_text("<html>not a har</html>", encoding="utf-8")
    assert_one_error_line(cli("har", str(path)), "page.har is not a HAR file")


def test_missing_file(cli, tmp_path):
    assert_one_error_line(cli("har", str(tmp_path / "nope.har")), "cannot read", "nope.har")


def test_debug_shows_the_traceback(cli, tmp_path):
    path = tmp_path / "cut.har"
    path.write_bytes((FIXTURES / "playwright.har").read_bytes()[:500])
    result = cli("har", str(path), "--debug")
    assert result.code == 2 and "Traceback" in result.stderr


def test_bad_options(cli):
    assert_one_error_line(
        cli("har", str(FIXTURES / "playwright.har"), "--actual"), "--actual only makes sense with --live"
    )
    assert_one_error_line(cli("har", str(FIXTURES / "playwright.har"), "--live", "--concurrency", "0"), "--concurrency")
    assert_one_error_line(cli("har", str(FIXTURES / "playwright.har"), "--browser", "lynx"), "--browser")


def test_stdin(cli):
    import subprocess
    import sys

    from tests.conftest import REPO

    raw = (FIXTURES / "playwright.har").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "cors_doctor", "har", "-", "--json"],
        input=raw,
        capture_output=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["file"] == "<stdin>"
