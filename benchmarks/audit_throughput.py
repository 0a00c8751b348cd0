"""Throughput of `cors-doctor audit` over many URLs, next to a bare aiohttp loop.

A local nginx on a random loopback port answers with an exact allow-list for
https://app.example.com plus `Vary: Origin` (a correct server: every probe runs, none is folded).
Each round audits N distinct paths with the real CLI (`--json`, whole process) and sends the same
requests with a minimal aiohttp loop (semaphore C). Prints the median wall time, URLs/s and
requests/s of both, and the ratio. Without nginx it says so and stops.

Usage: python benchmarks/audit_throughput.py [--urls 200] [--concurrency 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

from _nginx import find_nginx, start_nginx, stop

PY = sys.executable
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGIN = "https://app.example.com"

# A correct server: an exact allow-list with credentials and Vary: Origin on every reply.
NGINX_SERVER = """
    default_type application/json;
    location / {
      add_header Access-Control-Allow-Origin $acao always;
      add_header Access-Control-Allow-Credentials true always;
      add_header Vary Origin always;
      if ($request_method = OPTIONS) { return 204; }
      return 200 '{"ok": true}';
    }"""

REFERENCE = textwrap.dedent("""
    import asyncio, json, sys
    import aiohttp

    async def main(requests, concurrency):
        limit = asyncio.Semaphore(concurrency)
        conn = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=conn, cookie_jar=aiohttp.DummyCookieJar()) as session:
            async def one(method, url, headers):
                async with limit:
                    async with session.request(method, url, headers=headers, allow_redirects=False) as r:
                        await r.read()
            await asyncio.gather(*(one(*r) for r in requests))

    requests = json.load(open(sys.argv[1]))
    asyncio.run(main(requests, int(sys.argv[2])))
""")


def _timed(cmd: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=900)
    elapsed = time.perf_counter() - started
    if out.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({out.returncode}): {out.stderr.strip()[:300]}")
    return elapsed, out.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        print("nginx not found: install nginx-light to run this benchmark")
        return 0
    sys.path.insert(0, REPO)
    from cors_doctor.audit.model import make_target, plan_probes

    with tempfile.TemporaryDirectory() as workdir:
        proc, port = start_nginx(nginx, workdir, NGINX_SERVER, ORIGIN)
        try:
            urls = [f"http://127.0.0.1:{port}/api/{i}" for i in range(args.urls)]
            url_file = f"{workdir}/urls.txt"
            with open(url_file, "w") as handle:
                handle.write("\n".join(urls) + "\n")
            requests = [
                (p.method, p.url, [list(h) for h in p.headers])
                for u in urls
                for p in plan_probes(make_target(u, [ORIGIN]))
            ]
            request_file = f"{workdir}/requests.json"
            with open(request_file, "w") as handle:
                json.dump(requests, handle)
            reference = f"{workdir}/reference.py"
            with open(reference, "w") as handle:
                handle.write(REFERENCE)

            ours, theirs = [], []
            for _ in range(args.rounds):
                elapsed, stdout = _timed(
                    [
                        PY,
                        "-m",
                        "cors_doctor",
                        "audit",
                        "-i",
                        url_file,
                        "-o",
                        ORIGIN,
                        "-c",
                        str(args.concurrency),
                        "--json",
                    ]
                )
                report = json.loads(stdout)
                assert report["summary"]["audited"] == args.urls, report["summary"]
                ours.append(elapsed)
                theirs.append(_timed([PY, reference, request_file, str(args.concurrency)])[0])
        finally:
            stop(proc)

    n_requests = len(requests)
    for name, times in (("cors-doctor audit", ours), ("aiohttp loop", theirs)):
        median = statistics.median(times)
        print(f"{name:<18} {median:7.2f} s  {args.urls / median:8.1f} URLs/s  {n_requests / median:9.1f} requests/s")
    print(
        f"{args.urls} URLs, {n_requests} requests, concurrency {args.concurrency}, {args.rounds} rounds "
        f"(whole processes, start-up included)"
    )
    print(f"ratio audit/reference (requests/s): {statistics.median(theirs) / statistics.median(ours):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
