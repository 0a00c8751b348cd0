"""One regression test per trust problem: the output guard, Markdown summaries, bounded inputs,
secrets, and the render boundary itself."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from cors_doctor.ci.outcome import CheckTally, FindingLine, Outcome, Tally
from cors_doctor.masking import MASK, mask_echoes, mask_url_passwords, secret_values
from cors_doctor.render.ci.markdown import MAX_SUMMARY_BYTES, summary_markdown
from cors_doctor.render.guard import GuardedStream, neutralise
from cors_doctor.rules.redirects import redirect_target

from .conftest import PAGE, assert_one_error, run_cli
from .servers import http_reply, raw

PACKAGE = Path(__file__).resolve().parents[2] / "cors_doctor"


def test_the_guard_keeps_colours_and_shows_everything_else():
    assert neutralise("\x1b[1;31mBLOCKED\x1b[0m\n\tok") == "\x1b[1;31mBLOCKED\x1b[0m\n\tok"
    assert neutralise("\x1b]0;t\x07\x9b\x7f\u202e\udc9b") == "\\u001b]0;t\\u0007\\u009b\\u007f\\u202e\\udc9b"
    assert neutralise("\r\x1b[2K\x1b[1A", progress=True) == "\r\x1b[2K\x1b[1A"
    assert neutralise("\r\x1b[2K") == "\\u000d\\u001b[2K"  # stdout has no progress bar
    text = json.dumps({"v": "\x9b\u202e\x7f"}, ensure_ascii=False)
    assert json.loads(neutralise(text)) == {"v": "\x9b\u202e\x7f"}  # JSON stays valid and means the same


def test_every_command_runs_inside_the_guard():
    """Each command body goes through run_command, which installs the guard on stdout and stderr."""
    for module in sorted((PACKAGE / "cli" / "commands").glob("*.py")):
        if module.name == "__init__.py":
            continue
        calls = {
            node.func.id
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "run_command" in calls, module.name


def test_nothing_writes_around_the_guard():
    """No module writes to the raw streams (sys.__stdout__, .buffer, os.write to fd 1 or 2)."""
    for module in PACKAGE.rglob("*.py"):
        text = module.read_text()
        for raw_write in (
            "sys.__stdout__",
            "sys.__stderr__",
            "stdout.buffer.write",
            "stderr.buffer.write",
            "os.write(1",
            "os.write(2",
        ):
            assert raw_write not in text, (module, raw_write)


def test_plain_text_renderers_escape_foreign_values():
    """Renderers that write without Rich import the escape helpers (the guard is the backstop)."""
    for name in ("har/console.py", "ci/console.py", "ci/github.py", "ci/junit.py", "ci/markdown.py", "check/brief.py"):
        text = (PACKAGE / "render" / name).read_text()
        assert "from cors_doctor.render.escape import" in text, name


def test_the_guard_is_transparent_for_everything_else(tmp_path):
    target = (tmp_path / "out.txt").open("w", encoding="utf-8")
    stream = GuardedStream(target)
    assert stream.write("abc\x1b]0;x\x07") == len("abc\x1b]0;x\x07")
    assert stream.isatty() is False and stream.encoding == "utf-8"
    stream.flush()
    target.close()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "abc\\u001b]0;x\\u0007"


def _outcome(index: int, text: str) -> Outcome:
    return Outcome(
        index=index,
        check="api",
        check_number=1,
        line=1,
        method="GET",
        url="https://a.test/" + text,
        origin=PAGE,
        expect="allow",
        status="fail",
        allowed=False,
        summary=text,
        problems=(text,),
        findings=(FindingLine("CD303", "error", text),),
        elapsed=0.0,
    )


def test_the_step_summary_is_escaped_and_capped():
    hostile = "</details><img src=x onerror=alert(1)> | @octocat `code` " + "x" * 20_000
    tally = Tally({1: CheckTally(1, "api", "allow", 1)})
    for index in range(60):
        tally.add(_outcome(index, hostile))
    text = summary_markdown(tally, "p.toml")
    assert len(text.encode()) <= MAX_SUMMARY_BYTES + 4096
    assert "<img" not in text and text.count("</details>") == 1 and "\\@octocat" in text
    assert "more characters\\)" in text  # long values are cut, and say so
    assert "left out to keep this summary under" in text or "more (see the JUnit report" in text


def test_a_policy_timeout_of_nan_or_inf_is_one_line(tmp_path):
    for value in ("nan", "inf", "-inf"):
        policy = tmp_path / "p.toml"
        policy.write_text(
            f'[[check]]\nname = "a"\nurl = "http://127.0.0.1:9/"\norigins = ["{PAGE}"]\n'
            f'expect = "allow"\ntimeout = {value}\n'
        )
        assert_one_error(run_cli("ci", str(policy)), "timeout must be a positive, finite number of seconds")


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1"])
def test_a_timeout_option_of_nan_or_inf_is_one_line(value):
    assert_one_error(run_cli("check", "http://127.0.0.1:9/", "--origin", PAGE, "--timeout", value), "--timeout")


@pytest.mark.parametrize("command", [["ci", "p.toml"], ["har", "x.har", "--live"]])
@pytest.mark.parametrize("value", ["1000000", "99999999999999999999", "0"])
def test_concurrency_is_bounded(tmp_path, command, value):
    (tmp_path / "p.toml").write_text(
        f'[[check]]\nname = "a"\nurl = "http://127.0.0.1:9/"\norigins = ["{PAGE}"]\nexpect = "allow"\n'
    )
    (tmp_path / "x.har").write_text('{"log": {"entries": []}}')
    args = [str(tmp_path / arg) if arg.endswith((".toml", ".har")) else arg for arg in command]
    run = run_cli(*args, "--concurrency", value)
    assert_one_error(run, "concurrency")
    assert run.seconds < 15


def test_a_junit_path_that_is_a_directory_fails_before_any_request(tmp_path, serve):
    server = serve({"/items": raw(http_reply(200, [("Access-Control-Allow-Origin", PAGE)]))})
    policy = tmp_path / "p.toml"
    policy.write_text(
        f'[[check]]\nname = "a"\nurl = "{server.url("/items")}"\norigins = ["{PAGE}"]\nexpect = "allow"\n'
    )
    assert_one_error(run_cli("ci", str(policy), "--junit-xml", str(tmp_path)), "is a directory")
    assert server.log == []


def test_a_long_url_is_not_echoed_whole():
    # 100 000 characters (the kernel takes at most 128 KiB in one argument).
    url = "http://127.0.0.1:9/" + "a" * 100_000
    message = assert_one_error(run_cli("check", url, "--origin", PAGE))
    assert len(message) < 400


def test_url_passwords_are_masked_in_error_lines():
    run = run_cli("check", "http://user:s3cr3t-pw@127.0.0.1:9/items", "--origin", PAGE)
    message = assert_one_error(run)
    assert "s3cr3t-pw" not in run.stderr and f"user:{MASK}@" in message
    proxied = run_cli(
        "check",
        "http://127.0.0.1:9/items",
        "--origin",
        PAGE,
        env={"HTTP_PROXY": "http://proxyuser:pr0xy-pw@127.0.0.1:9", "NO_PROXY": ""},
    )
    assert proxied.code == 2 and "pr0xy-pw" not in proxied.stderr + proxied.stdout


def test_mask_helpers():
    assert (
        mask_url_passwords("see 'https://u:p%40ss@h.test/x' and http://h.test/")
        == f"see 'https://u:{MASK}@h.test/x' and http://h.test/"
    )
    secrets = secret_values((("Authorization", "Bearer tok-123456"), ("Cookie", "sid=abcdef; theme=dark")))
    assert mask_echoes("echo: Bearer tok-123456 sid=abcdef", secrets) == f"echo: {MASK} sid={MASK}"


def test_a_server_echoing_the_request_does_not_print_the_token(serve):
    async def echo(seen, reader, writer):
        if seen.method == "OPTIONS":
            writer.write(
                http_reply(
                    204, [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "Authorization")]
                )
            )
            return
        auth = seen.header("authorization") or ""
        body = f'{{"headers": {{"Authorization": "{auth}"}}}}'.encode()
        writer.write(
            http_reply(
                200,
                [("Access-Control-Allow-Origin", PAGE), ("X-Echo", auth), ("Content-Type", "application/json")],
                body,
            )
        )

    server = serve({"/anything": echo})
    args = ("check", server.url("/anything"), "--origin", PAGE, "-H", "Authorization: Bearer tok-7f3a9c1e")
    for flags in (("-v",), ("--json",)):
        run = run_cli(*args, *flags)
        assert "tok-7f3a9c1e" not in run.stdout + run.stderr, run.stdout
    shown = run_cli(*args, "-v", "--show-secrets")
    assert "tok-7f3a9c1e" in shown.stdout


def test_redirect_locations_are_parsed_like_a_browser():
    def target(location: str) -> str | None:
        return redirect_target("http://a.test/x", (("Location", location),)).url

    assert target("/m\x1b]0;p\x07 \xe9?q=1 2") == "http://a.test/m%1B]0;p%07%20%E9?q=1%202"
    assert target("  /ok-\t") == "http://a.test/ok-"
    assert target("http://h\x1bx/") is None
    assert target("/a%20b") == "http://a.test/a%20b"


def _in_every_command(url: str, tmp_path: Path) -> dict[str, str]:
    """The text each command prints for one unreachable target: check's error line, ci's
    failure line, audit's reason, har --live's live error."""
    policy = tmp_path / "w.toml"
    policy.write_text(f'[[check]]\nname = "a"\nurl = "{url}"\norigins = ["{PAGE}"]\nexpect = "allow"\ntimeout = 3\n')
    har = tmp_path / "w.har"
    har.write_text(
        json.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "request": {
                                "method": "GET",
                                "url": url,
                                "headers": [
                                    {"name": "Origin", "value": PAGE},
                                    {"name": "Sec-Fetch-Mode", "value": "cors"},
                                ],
                            },
                            "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"},
                        }
                    ]
                }
            }
        )
    )
    check = run_cli("check", url, "--origin", PAGE, "--timeout", "3")
    ci = run_cli("ci", str(policy), "--json")
    audit = run_cli("audit", url, "--origin", PAGE, "--timeout", "3", "--json")
    live = run_cli("har", str(har), "--live", "--timeout", "3", "--json")
    return {
        "check": assert_one_error(check).removeprefix("cors-doctor: error: "),
        "ci": json.loads(ci.stdout)["results"][0]["problems"][0],
        "audit": json.loads(audit.stdout)["results"][0]["error"],
        "har --live": json.loads(live.stdout)["requests"][0]["live"]["note"],
    }


def test_an_http2_only_server_is_worded_alike_by_every_command(tmp_path):
    from .servers import H2OnlyServer

    with H2OnlyServer() as server:
        texts = _in_every_command(server.url("/items"), tmp_path)
    for command, text in texts.items():
        assert "answered in HTTP/2 frames" in text, (command, text)
        assert "illegal" not in text, (command, text)


def test_a_refused_connection_is_worded_alike_by_every_command(tmp_path):
    from tests._loopback import free_port

    port = free_port()
    texts = _in_every_command(f"http://127.0.0.1:{port}/items", tmp_path)
    for command, text in texts.items():
        assert f"connection refused by 127.0.0.1:{port}: nothing is listening on that port" in text, (command, text)


def _long_policy(tmp_path: Path, length: int) -> Path:
    policy = tmp_path / "long.toml"
    url = "http://127.0.0.1:9/" + "a" * length
    policy.write_text(f'[[check]]\nname = "a"\nurl = "{url}"\norigins = ["{PAGE}"]\nexpect = "allow"\n')
    return policy


def test_a_megabyte_url_is_sent_as_chrome_would_and_the_log_stays_short(tmp_path):
    run = run_cli("ci", str(_long_policy(tmp_path, 1_000_000)))
    assert run.code == 1, run.stderr[-500:]
    assert "connection refused by 127.0.0.1:9" in run.stdout  # sent, not refused as too long
    assert len(run.stdout) + len(run.stderr) < 5000


def test_a_url_over_two_mebibytes_is_refused_in_one_line(tmp_path):
    message = assert_one_error(run_cli("ci", str(_long_policy(tmp_path, 2 * 1024 * 1024))))
    assert "browsers refuse URLs over 2097152 (2 MiB)" in message and len(message) < 300


def test_init_output_that_is_a_directory_says_so(tmp_path):
    for flags in ((), ("--force",)):
        assert_one_error(
            run_cli("init", "http://127.0.0.1:9/items", "--origin", PAGE, "--output", str(tmp_path), *flags),
            "is a directory",
        )
