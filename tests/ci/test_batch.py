"""The batch engine and its senders, against real loopback servers (and respx for the httpx path)."""

from __future__ import annotations

import asyncio
import socket
import ssl

import httpx
import pytest
import respx
import trustme

from cors_doctor.batch import BatchOptions, CheckJob, CheckResult, run_jobs, run_jobs_async
from cors_doctor.errors import ConnectError, ProtocolError, TimeoutError_, TLSError
from cors_doctor.model import RequestSpec
from cors_doctor.net import SendOptions, make_async_client, make_sender
from cors_doctor.pipeline import run_check_async
from cors_doctor.plan import build_plan
from tests._loopback import free_port

from .server import APP, PolicyServer, RawServer

XRW = (("X-Requested-With", "XMLHttpRequest"),)


def job(key: str, url: str, origin: str = APP, method: str = "GET", timeout: float = 5.0, **spec) -> CheckJob:
    plan = build_plan(RequestSpec(url, origin, method, spec.pop("headers", XRW), **spec))
    return CheckJob(key, plan, SendOptions(timeout=timeout))


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_many_jobs_from_a_generator_come_back_in_order_and_one_dead_target_costs_nothing(
    policy_server, transport
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/items"
    urls = [f"{policy_server.url}/good/items/{i}" for i in range(30)]
    urls.insert(7, dead)
    seen: list[str] = []
    results = run_jobs(
        (job(str(i), u) for i, u in enumerate(urls)), BatchOptions(8, transport), lambda r: seen.append(r.key)
    )
    assert [r.key for r in results] == [str(i) for i in range(31)] and sorted(seen, key=int) == [r.key for r in results]
    assert isinstance(results[7].error, ConnectError) and results[7].verdict is None
    port = dead.split(":")[2].split("/")[0]
    assert str(results[7].error) == f"connection refused by 127.0.0.1:{port}: nothing is listening on that port"
    good = [r for r in results if r is not results[7]]
    assert all(r.error is None and r.verdict.allowed for r in good)
    assert all(r.elapsed > 0 for r in results)


def test_keep_results_false_streams_only_through_the_callback(policy_server) -> None:
    got: list[CheckResult] = []
    jobs = [job(str(i), f"{policy_server.url}/good/s/{i}") for i in range(12)]
    assert run_jobs(jobs, BatchOptions(4, "aiohttp", keep_results=False), got.append) == []
    assert sorted(int(r.key) for r in got) == list(range(12)) and all(r.verdict.allowed for r in got)


def test_aiohttp_sender_sends_exactly_the_planned_headers(policy_server) -> None:
    url = f"{policy_server.url}/good/headers-check"
    results = run_jobs([job("1", url, credentials=True)], BatchOptions(1, "aiohttp"))
    assert results[0].verdict.allowed
    sent = policy_server.requests_to("/good/headers-check")
    assert [r.method for r in sent] == ["OPTIONS", "GET"]
    preflight, actual = sent
    planned = {n.lower() for n, _ in results[0].verdict.exchanges[0].request.headers} | {"host"}
    assert {n.lower() for n, _ in preflight.headers} == planned  # no Accept-Encoding, no Cookie, nothing extra
    assert (
        preflight.header("Origin") == APP and preflight.header("Access-Control-Request-Headers") == "x-requested-with"
    )
    assert actual.header("X-Requested-With") == "XMLHttpRequest" and actual.header("Cookie") is None


def test_timeouts_and_servers_that_hang_up_become_one_line_errors(policy_server) -> None:
    hang_up = RawServer(None)
    garbage = RawServer(b"HELLO THERE\r\n\r\n")
    try:
        results = run_jobs(
            [
                job("slow", f"{policy_server.url}/slow/x", timeout=0.5),
                job("garbage", f"{garbage.url}/x", headers=()),
                job("hang-up", f"{hang_up.url}/x", headers=()),
                job("ok", f"{policy_server.url}/good/after-failures"),
            ],
            BatchOptions(4, "aiohttp"),
        )
    finally:
        garbage.close()
        hang_up.close()
    slow, broken, closed, ok = results
    where = policy_server.url.removeprefix("http://")
    assert isinstance(slow.error, TimeoutError_)
    assert str(slow.error) == f"read timeout: {where} accepted the connection but did not answer within 0.5 s"
    assert isinstance(broken.error, ProtocolError) and "sent a reply that is not valid HTTP/1.1" in str(broken.error)
    assert isinstance(closed.error, ProtocolError)
    assert str(closed.error) == f"{hang_up.url.removeprefix('http://')} closed the connection without sending a reply"
    assert ok.verdict.allowed


def test_a_header_line_with_space_before_the_colon_is_read_as_chromium_reads_it() -> None:
    # aiohttp's parser refuses `Name : value`; Chromium reads it, so the sender asks httpx again (GET is safe).
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nAccess-Control-Allow-Origin : "
        + APP.encode()
        + b"\r\nVary: Origin\r\n\r\nok"
    )
    server = RawServer(reply)
    try:
        results = run_jobs([job("1", f"{server.url}/x", headers=())], BatchOptions(1, "aiohttp"))
    finally:
        server.close()
    assert results[0].error is None, results[0].error
    assert results[0].verdict.allowed


def test_the_httpx_transport_is_still_mockable_with_respx() -> None:
    # Callers written against the first engine API: run_jobs_async(jobs, concurrency) on httpx.
    acao = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", "x-requested-with")]
    with respx.mock(assert_all_called=True) as mock:
        mock.options("https://api.example.com/a").respond(204, headers=acao)
        mock.get("https://api.example.com/a").respond(200, headers=acao[:1], json={})
        mock.get("https://api.example.com/b").respond(200, json={})
        results = asyncio.run(
            run_jobs_async(
                [job("a", "https://api.example.com/a"), job("b", "https://api.example.com/b", headers=())],
                BatchOptions(2),
            )
        )
    assert [(r.key, r.verdict.allowed) for r in results] == [("a", True), ("b", False)]


def test_the_async_pipeline_runs_on_an_httpx_client_or_a_sender(policy_server) -> None:
    spec = RequestSpec(f"{policy_server.url}/good/either", APP, "GET", XRW)
    send = SendOptions(timeout=5)

    async def both() -> list[bool]:
        from cors_doctor.net import as_sender

        verdicts = []
        async with make_async_client(2, send) as client:
            verdicts.append((await run_check_async(spec, as_sender(client), send)).verdict.allowed)
        sender = make_sender("aiohttp", 2)
        try:
            verdicts.append((await run_check_async(spec, sender, send)).verdict.allowed)
        finally:
            await sender.aclose()
        return verdicts

    assert asyncio.run(both()) == [True, True]
    assert isinstance(make_async_client(), httpx.AsyncClient)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_https_targets_verify_against_each_jobs_own_ca(tmp_path, transport) -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server = PolicyServer(ssl_context=context)
    try:
        url = f"{server.url}/good/tls"
        plan = job("x", url).plan
        # One run, three jobs with their own TLS settings: each is honoured, none replaces another's.
        trusted, unknown, insecure = run_jobs(
            [
                CheckJob("trusted", plan, SendOptions(timeout=5, cacert=str(bundle))),
                CheckJob("unknown", plan, SendOptions(timeout=5)),
                CheckJob("insecure", plan, SendOptions(timeout=5, verify=False)),
            ],
            BatchOptions(3, transport),
        )
    finally:
        server.close()
    assert trusted.verdict.allowed and insecure.verdict.allowed
    assert isinstance(unknown.error, TLSError)
    assert str(unknown.error).startswith(f"TLS certificate of {server.url.removeprefix('https://')} ")


def test_proxies_come_from_the_environment_and_loopback_goes_direct(policy_server, monkeypatch) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):  # a test must never look up a real name
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: no lookups outside loopback in tests")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    proxy = RawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nAccess-Control-Allow-Origin: *\r\n\r\nok")
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", proxy.url)
    try:
        far, near = run_jobs(
            [
                job("far", "http://api.example.test/items", "http://app.example.test", headers=()),
                job("near", f"{policy_server.url}/good/near", headers=()),
            ],
            BatchOptions(2, "aiohttp"),
        )
    finally:
        proxy.close()
    assert far.error is None and far.verdict.allowed and proxy.requests == 1
    assert near.verdict.allowed and [r.method for r in policy_server.requests_to("/good/near")] == ["GET"]
