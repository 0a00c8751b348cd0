"""Batch commands among faulty targets: a fault on one target never stops the others or loses
their results, each fault is reported precisely, and the run ends within the timeout."""

from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import PAGE, assert_one_error, cors, free_port, run_cli
from .servers import raw, reply, wait_for_client_to_leave

TIMEOUT = 1.5


async def _never_answer(seen, reader, writer):
    await wait_for_client_to_leave(reader)


async def _drip_headers(seen, reader, writer):
    writer.write(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n")
    for i in range(75):  # 15 s of headers, a line every 0.2 s: far past TIMEOUT, never a read timeout
        writer.write(b"X-Slow-%d: 1\r\n" % i)
        await writer.drain()
        await asyncio.sleep(0.2)


HUGE_HEADERS = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Fill-%d: %s\r\n" % (i, b"a" * 1000) for i in range(300)) + b"\r\n"
CUT_BODY = b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 100\r\n\r\nshort"


class Firehose:
    """A 4 GiB body per request; records how much went out on each connection."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    @property
    def most(self) -> int:
        return max(self.sent, default=0)

    async def __call__(self, seen, reader, writer) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: "
            + PAGE.encode()
            + b"\r\nContent-Length: %d\r\n\r\n" % (4 * 2**30)
        )
        index = len(self.sent)
        self.sent.append(0)
        while self.sent[index] < 512 * 2**20:
            writer.write(b"\0" * 65536)
            await writer.drain()
            self.sent[index] += 65536


@pytest.fixture
def targets(serve, certs):
    """One good API and one misbehaving path per fault, all on loopback."""
    firehose = Firehose()
    good = serve({"/items": reply(200, [*cors(PAGE), ("Vary", "Origin")], b"[]")})
    bad = serve(
        {
            "/hang": _never_answer,
            "/drip": _drip_headers,
            "/huge": raw(HUGE_HEADERS),
            "/cut": raw(CUT_BODY),
            "/close": raw(b""),
            "/giant": firehose,
        }
    )
    tls = serve({"/items": reply(200, cors(PAGE))}, ssl_context=certs.server_context("127.0.0.1"))
    return {
        "good": good.url("/items"),
        "refused": f"http://127.0.0.1:{free_port()}/items",
        "dns": "http://nonexistent.invalid/items",
        "hang": bad.url("/hang"),
        "drip": bad.url("/drip"),
        "huge": bad.url("/huge"),
        "cut": bad.url("/cut"),
        "close": bad.url("/close"),
        "giant": bad.url("/giant"),
        "tls": tls.url("/items"),
        "_firehose": firehose,
        "_good_server": good,
    }


EXPECTED_ERRORS = {
    "refused": "refused",
    "dns": "nonexistent.invalid",
    "hang": "timeout",
    "drip": "timeout",
    "huge": "100 KiB",
    "cut": "in the middle of the reply body",
    "close": "without sending a reply",
    "tls": "unknown CA",
}


def _policy(targets: dict, tmp_path) -> str:
    lines = [f'[defaults]\norigins = ["{PAGE}"]\ntimeout = {TIMEOUT}\n']
    for name in ["good", *EXPECTED_ERRORS, "giant"]:
        lines.append(f'[[check]]\nname = "{name}"\nurl = "{targets[name]}"\nexpect = "allow"\n')
    lines.append(
        f'[[check]]\nname = "good blocks strangers"\nurl = "{targets["good"]}"\n'
        'origins = ["https://evil.example"]\nexpect = "block"\n'
    )
    path = tmp_path / "cors-policy.toml"
    path.write_text("\n".join(lines))
    return str(path)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_ci_keeps_every_result_when_some_targets_fail(targets, tmp_path, transport):
    run = run_cli("ci", _policy(targets, tmp_path), "--json", "--transport", transport, offline=True)
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    by_check = {r["check"]: r for r in report["results"]}
    assert len(by_check) == len(EXPECTED_ERRORS) + 3
    assert by_check["good"]["status"] == "pass" and by_check["good"]["allowed"] is True
    assert by_check["good blocks strangers"]["status"] == "pass"
    assert by_check["giant"]["status"] == "pass", by_check["giant"]
    assert 0 < targets["_firehose"].most < 64 * 2**20
    problems = []
    for name, fragment in EXPECTED_ERRORS.items():
        result = by_check[name]
        text = " ".join([result.get("summary") or "", *result.get("problems", [])])
        if result["status"] != "error" or fragment not in text:
            problems.append(f"{transport} {name}: {result['status']} {text!r}")
    assert not problems, "\n".join(problems)
    assert report["summary"]["errors"] == len(EXPECTED_ERRORS)
    assert run.seconds < TIMEOUT + 10


def test_ci_with_a_broken_policy_sends_nothing(targets, tmp_path):
    policy = tmp_path / "cors-policy.toml"
    policy.write_text(f'[[check]]\nurl = "{targets["good"]}"\norigins = ["{PAGE}/"]\nexpect = "allow"\n')
    run = run_cli("ci", str(policy))
    assert run.code == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.startswith("cors-doctor: error: ")
    assert targets["_good_server"].log == []


def test_ci_with_a_missing_or_binary_policy_file(tmp_path):
    assert_one_error(run_cli("ci", str(tmp_path / "nope.toml")), "nope.toml")
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(b"\x00\xff\xfe" * 100)
    run = run_cli("ci", str(garbage))
    assert run.code == 2 and run.stdout == "" and "Traceback" not in run.stderr


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_audit_of_hostile_servers_reports_each_and_keeps_the_rest(targets, transport):
    urls = [targets[name] for name in ("good", "refused", "hang", "huge", "cut", "giant", "tls")]
    run = run_cli(
        "audit",
        *urls,
        "--origin",
        PAGE,
        "--json",
        "--timeout",
        str(TIMEOUT),
        "--transport",
        transport,
        "--concurrency",
        "20",
        offline=True,
        limit=120,
    )
    assert "Traceback" not in run.stderr
    assert run.code in (1, 2), run.stderr
    report = json.loads(run.stdout)
    by_url = {r["url"]: r for r in report["results"]}
    assert set(by_url) == set(urls)
    assert by_url[targets["good"]]["audited"] is True
    assert by_url[targets["giant"]]["audited"] is True
    for name in ("refused", "hang", "huge", "cut", "tls"):
        result = by_url[targets[name]]
        assert result["audited"] is False and result["error"], (name, result)
        assert EXPECTED_ERRORS[name] in result["error"], (transport, name, result["error"])
    assert 0 < targets["_firehose"].most < 64 * 2**20
    assert run.seconds < 60


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"not json at all", "it does not start with a JSON object"),
        (b'{"log": {"entries": [', "ends early (truncated?) where a value was expected at log.entries[0]"),
        (b"\x00\x01\x02\xff" * 50, "is not UTF-8 text (byte 3)"),
        (b'{"log": "entries"}', "'log' is not an object"),
        (b'{"log": {"entries": [{"request": 42}]}}', "log.entries[0] has no 'request' object"),
        (b"[1, 2, 3]", "it does not start with a JSON object"),
        (
            b'{"log": {"entries": [{"request": ' + b"[" * 200_000 + b"]" * 200_000 + b"}]}}",
            "nested too deeply (thousands of levels of [ or {) at log.entries[0]",
        ),
    ],
)
def test_har_with_a_malformed_file_is_one_line(tmp_path, content, fragment):
    path = tmp_path / "broken.har"
    path.write_bytes(content)
    assert_one_error(run_cli("har", str(path)), "broken.har", fragment)


def test_har_entry_with_a_relative_url_is_not_a_cross_origin_request(tmp_path):
    path = tmp_path / "relative.har"
    path.write_bytes(
        b'{"log": {"entries": [{"request": {"url": "/relative", "method": "GET", "headers": []}, "response": {}}]}}'
    )
    run = run_cli("har", str(path))
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    assert "0 cross-origin CORS requests" in run.stdout and "1 entries" in run.stdout


def test_har_with_a_missing_file_is_one_line(tmp_path):
    assert_one_error(run_cli("har", str(tmp_path / "missing.har")), "missing.har")


def _har(entries: list[dict]) -> str:
    return json.dumps(
        {
            "log": {
                "version": "1.2",
                "creator": {"name": "test", "version": "1"},
                "pages": [{"id": "page_1", "title": PAGE + "/"}],
                "entries": entries,
            }
        }
    )


def _entry(url: str, method: str = "GET", extra: list | None = None) -> dict:
    headers = [
        {"name": "Origin", "value": PAGE},
        {"name": "Referer", "value": PAGE + "/"},
        {"name": "Sec-Fetch-Mode", "value": "cors"},
        *(extra or []),
    ]
    return {
        "pageref": "page_1",
        "startedDateTime": "2026-01-01T00:00:00.000Z",
        "time": 1,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": headers,
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "headers": [],
            "cookies": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": "net::ERR_FAILED",
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }


def test_har_live_keeps_every_result_when_some_targets_fail(targets, tmp_path):
    names = ("good", "refused", "hang", "cut")
    path = tmp_path / "session.har"
    path.write_text(_har([_entry(targets[name]) for name in names]))
    run = run_cli("har", str(path), "--live", "--json", "--timeout", str(TIMEOUT), offline=True, limit=60)
    assert "Traceback" not in run.stderr
    assert run.code in (1, 2), run.stderr
    text = run.stdout
    report = json.loads(text)
    assert text.count(targets["good"]) >= 1
    for name in ("refused", "hang", "cut"):
        assert targets[name] in text
    assert EXPECTED_ERRORS["refused"] in text and "timeout" in text
    assert report["summary"]["entries"] == len(names)
    assert report["summary"]["live"] == {"blocked": 1, "error": 3}, report["summary"]  # good has no CORS headers
    assert run.seconds < 40


def test_explain_run_against_an_unreachable_server_is_one_line():
    port = free_port()
    message = (
        f"Access to fetch at 'http://127.0.0.1:{port}/items' from origin '{PAGE}' has been blocked by CORS "
        "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    run = run_cli("explain", message, "--run")
    assert "Traceback" not in run.stderr
    assert run.code == 2, (run.stdout, run.stderr)
    assert f"connection refused by 127.0.0.1:{port}" in run.stderr


@pytest.mark.parametrize(
    "message", ["", "hello", "\x01\x02\x7f", "Access to fetch at '::::' from origin 'x' has been blocked"]
)
def test_explain_with_garbage_says_it_is_not_a_known_message(message):
    run = run_cli("explain", message)
    assert run.code == 1, (run.stdout, run.stderr)  # nothing recognised: not a usage error, not a pass
    assert run.stderr == ""
    assert run.stdout.startswith("Not a CORS error cors-doctor knows.")
    assert "\x01" not in run.stdout and "\x7f" not in run.stdout  # controls are shown as escapes


def test_init_with_bad_input_is_one_line(tmp_path):
    run = run_cli("init", "/relative", "--origin", PAGE, "--output", str(tmp_path / "p.toml"))
    assert_one_error(run, "not an absolute URL")
    existing = tmp_path / "existing.toml"
    existing.write_text("keep me\n")
    run = run_cli("init", "http://127.0.0.1:9/items", "--origin", PAGE, "--output", str(existing))
    assert_one_error(run)
    assert existing.read_text() == "keep me\n"
