"""Batch throughput of `cors-doctor ci`, side by side with minimal reference loops.

Against a local nginx on a random loopback port, each command runs N checks (N distinct paths;
each check is an OPTIONS preflight plus a GET, because the GET carries X-Requested-With):

1. `cors-doctor ci policy.toml -c C -q`          (the real CLI, a policy file of N checks)
2. a minimal httpx.AsyncClient loop, semaphore C  (the same 2N requests)
3. a minimal aiohttp loop, semaphore C            (the same 2N requests)

Each round runs the three in shuffled order, as whole processes (interpreter start and imports
included for all three). Prints per command the median wall time and checks/s, cors-doctor's own
in-run time, and the median per-round ratio of cors-doctor's checks/s to the faster reference.
Target: ratio >= 0.5. Then the peak RSS of cors-doctor for N and for 10×N checks (target: flat).

nginx answers like the anchors in docs/design.md: OPTIONS 204 with the CORS headers, GET 200.
Without nginx the benchmark falls back to a small asyncio server in a child process and says so
(that server, not the clients, may then be the bottleneck).

Usage: python benchmarks/ci_throughput.py [--checks 1000] [--concurrency 50] [--rounds 3]
       [--memory-checks 10000] [--skip-memory] [--with-httpx-transport] [--compare-transports]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

from _nginx import find_nginx, free_port, start_nginx, stop, wait_for_port

PY = sys.executable
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORIGIN = "https://app.example.com"

NGINX_SERVER = """
    default_type text/plain;
    location / {
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin $acao always;
        add_header Access-Control-Allow-Methods "GET, POST, PUT" always;
        add_header Access-Control-Allow-Headers $http_access_control_request_headers always;
        add_header Access-Control-Max-Age 600 always;
        add_header Vary "Origin, Access-Control-Request-Headers" always;
        return 204;
      }
      add_header Access-Control-Allow-Origin $acao always;
      add_header Vary Origin always;
      return 200 "ok\\n";
    }"""

# The fallback server: HTTP/1.1 keep-alive on asyncio, same replies as the nginx config.
FALLBACK_SERVER = textwrap.dedent(r"""
    import asyncio, sys
    ORIGIN = sys.argv[2].encode()
    async def serve(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                method = lines[0].split(b" ", 1)[0]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                acao = headers.get(b"origin", b"") if headers.get(b"origin") == ORIGIN else b""
                if method == b"OPTIONS":
                    reply = (b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: " + acao +
                             b"\r\nAccess-Control-Allow-Methods: GET, POST, PUT\r\nAccess-Control-Allow-Headers: " +
                             headers.get(b"access-control-request-headers", b"") +
                             b"\r\nAccess-Control-Max-Age: 600\r\nVary: Origin\r\n\r\n")
                else:
                    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                             b"Access-Control-Allow-Origin: " + acao + b"\r\nVary: Origin\r\n\r\nok\n")
                writer.write(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
    async def main():
        server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=4096)
        async with server:
            await server.serve_forever()
    asyncio.run(main())
""")

REF_HTTPX = textwrap.dedent(
    r"""
    import asyncio, sys, time
    sys.modules.setdefault("httpx._main", None)
    import httpx
    ORIGIN = "%s"
    async def main(base, n, conc):
        sem = asyncio.Semaphore(conc)
        limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
        async with httpx.AsyncClient(limits=limits, timeout=10) as client:
            async def one(i):
                url = f"{base}/api/items/{i}"
                async with sem:
                    pre = await client.options(url, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                             "Access-Control-Request-Headers": "x-requested-with"})
                    act = await client.get(url, headers={"Origin": ORIGIN, "X-Requested-With": "XMLHttpRequest"})
                return (pre.headers.get("access-control-allow-origin") == ORIGIN
                        and act.headers.get("access-control-allow-origin") == ORIGIN)
            started = time.perf_counter()
            ok = sum(await asyncio.gather(*(one(i) for i in range(n))))
        print(f"ok={ok} inner_s={time.perf_counter() - started:.3f}")
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""
    % ORIGIN
)

REF_AIOHTTP = textwrap.dedent(
    r"""
    import asyncio, sys, time
    import aiohttp
    ORIGIN = "%s"
    async def main(base, n, conc):
        sem = asyncio.Semaphore(conc)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc)) as session:
            async def one(i):
                url = f"{base}/api/items/{i}"
                async with sem:
                    async with session.options(url, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                             "Access-Control-Request-Headers": "x-requested-with"}) as r:
                        await r.read()
                        pre = r.headers.get("access-control-allow-origin")
                    async with session.get(url, headers={"Origin": ORIGIN, "X-Requested-With": "XMLHttpRequest"}) as r:
                        await r.read()
                        act = r.headers.get("access-control-allow-origin")
                return pre == ORIGIN and act == ORIGIN
            started = time.perf_counter()
            ok = sum(await asyncio.gather(*(one(i) for i in range(n))))
        print(f"ok={ok} inner_s={time.perf_counter() - started:.3f}")
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""
    % ORIGIN
)


def start_server(scratch: str) -> tuple[subprocess.Popen, str, str]:
    """(process, base URL, description): nginx if installed, else the asyncio fallback."""
    nginx = find_nginx()
    if nginx:
        root = os.path.join(scratch, "nginx")
        proc, port = start_nginx(nginx, root, NGINX_SERVER, ORIGIN, events=" multi_accept on;")
        return proc, f"http://127.0.0.1:{port}", f"nginx ({nginx}, 1 worker)"
    port = free_port()
    script = os.path.join(scratch, "server.py")
    with open(script, "w") as handle:
        handle.write(FALLBACK_SERVER)
    proc = subprocess.Popen([PY, script, str(port), ORIGIN])
    print(
        "warning: nginx is not installed (apt-get install nginx-light); using a small asyncio "
        "server instead, so the figures below may measure that server, not the clients",
        file=sys.stderr,
    )
    wait_for_port(port, proc)
    return (
        proc,
        f"http://127.0.0.1:{port}",
        "FALLBACK asyncio server (nginx not found: the server may be the bottleneck)",
    )


def write_policy(path: str, base: str, checks: int) -> None:
    lines = [
        "version = 1",
        "[defaults]",
        f'origins = ["{ORIGIN}"]',
        "timeout = 10",
        'headers = { "X-Requested-With" = "XMLHttpRequest" }',
        f'base_url = "{base}"',
        "[[check]]",
        'name = "items"',
        'expect = "allow"',
        "paths = [",
        *(f'  "/api/items/{i}",' for i in range(checks)),
        "]",
    ]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def run_measured(argv: list[str], timeout: float = 600.0) -> tuple[float, int, str, int]:
    """(wall seconds, peak RSS in KiB, stdout, exit code) of one whole process.

    The child is reaped with os.wait4, which reports that child's own peak RSS."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    return wall, usage.ru_maxrss, out, proc.returncode


def inner_seconds(name: str, out: str) -> float | None:
    if name.startswith("cors-doctor"):
        match = re.search(r"(\d+) checks: \1 passed, 0 failed in ([\d.]+) s", out)
        return float(match[2]) if match else None
    match = re.search(r"inner_s=([\d.]+)", out)
    return float(match[1]) if match else None


def verified(name: str, out: str, code: int, checks: int) -> bool:
    if name.startswith("cors-doctor"):
        return code == 0 and f"{checks} checks: {checks} passed" in out
    return f"ok={checks} " in out


def throughput(args, base: str, scratch: str) -> None:
    policy = os.path.join(scratch, "policy.toml")
    write_policy(policy, base, args.checks)
    scripts = {}
    for name, source in (("httpx", REF_HTTPX), ("aiohttp", REF_AIOHTTP)):
        scripts[name] = os.path.join(scratch, f"ref_{name}.py")
        with open(scripts[name], "w") as handle:
            handle.write(source)
    conc = str(args.concurrency)
    commands = {
        "cors-doctor ci": [PY, "-m", "cors_doctor", "ci", policy, "-c", conc, "-q"],
        "httpx.AsyncClient loop": [PY, scripts["httpx"], base, str(args.checks), conc],
        "aiohttp loop": [PY, scripts["aiohttp"], base, str(args.checks), conc],
    }
    if args.with_httpx_transport:
        commands["cors-doctor ci --transport httpx"] = [*commands["cors-doctor ci"], "--transport", "httpx"]
    print(
        f"{args.checks} checks (OPTIONS + GET each, distinct paths), concurrency {args.concurrency}, "
        f"{args.rounds} rounds + 1 warm-up, whole processes"
    )
    walls: dict[str, list[float]] = {name: [] for name in commands}
    inners: dict[str, list[float]] = {name: [] for name in commands}
    ratios: list[float] = []
    for round_number in range(args.rounds + 1):
        order = list(commands)
        random.shuffle(order)
        this_round: dict[str, float] = {}
        for name in order:
            wall, _, out, code = run_measured(commands[name])
            if not verified(name, out, code, args.checks):
                raise SystemExit(f"{name} did not verify all {args.checks} checks (exit {code}):\n{out[-2000:]}")
            if round_number == 0:
                continue  # warm-up: page cache, .pyc files
            this_round[name] = wall
            walls[name].append(wall)
            inner = inner_seconds(name, out)
            if inner is not None:
                inners[name].append(inner)
        if this_round:
            faster = min(this_round["httpx.AsyncClient loop"], this_round["aiohttp loop"])
            ratios.append(faster / this_round["cors-doctor ci"])
    print(f"\n{'command':34} {'wall s median (min-max)':>26} {'checks/s':>9} {'in-run s':>9} {'in-run checks/s':>16}")
    for name in commands:
        w = walls[name]
        inner = statistics.median(inners[name]) if inners[name] else None
        inner_text = f"{inner:9.2f} {args.checks / inner:16.0f}" if inner else f"{'-':>9} {'-':>16}"
        print(
            f"{name:34} {statistics.median(w):10.2f} ({min(w):.2f}-{max(w):.2f}){'':>6} "
            f"{args.checks / statistics.median(w):9.0f} {inner_text}"
        )
    ratio = statistics.median(ratios)
    print(
        f"\ncors-doctor checks/s ÷ faster reference, same round: median {ratio:.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}); target ≥ 0.50: {'met' if ratio >= 0.5 else 'NOT met'}"
    )
    for name in ("httpx.AsyncClient loop", "aiohttp loop"):
        print(
            f"  ratio of medians vs {name}: {statistics.median(walls[name]) / statistics.median(walls['cors-doctor ci']):.2f}"
        )


def memory(args, base: str, scratch: str) -> None:
    print(f"\npeak RSS of `cors-doctor ci` (whole process), {args.checks} vs {args.memory_checks} checks:")
    peaks = {}
    for checks in (args.checks, args.memory_checks):
        policy = os.path.join(scratch, f"policy-{checks}.toml")
        write_policy(policy, base, checks)
        wall, rss, out, code = run_measured([PY, "-m", "cors_doctor", "ci", policy, "-c", str(args.concurrency), "-q"])
        if not verified("cors-doctor", out, code, checks):
            raise SystemExit(f"cors-doctor ci did not pass all {checks} checks (exit {code})")
        peaks[checks] = rss
        print(f"  {checks:6} checks: {rss / 1024:6.1f} MiB peak RSS, {wall:.2f} s, {checks / wall:.0f} checks/s")
    growth = peaks[args.memory_checks] / peaks[args.checks]
    print(
        f"  growth for {args.memory_checks // args.checks}× the checks: {growth:.2f}× "
        f"({'flat' if growth <= 1.15 else 'NOT flat'}: target ≤ 1.15×)"
    )


def compare_transports(args, base: str) -> None:
    """In one process, the batch engine on each candidate transport, and a bare aiohttp loop."""
    import asyncio

    sys.path.insert(0, REPO)
    from cors_doctor.batch import BatchOptions, CheckJob, run_jobs_async
    from cors_doctor.model import RequestSpec
    from cors_doctor.net import SendOptions
    from cors_doctor.net._wire import import_httpx
    from cors_doctor.plan import build_plan

    n, conc = args.checks, args.concurrency
    options = SendOptions(timeout=10)

    def jobs():
        for i in range(n):
            spec = RequestSpec(f"{base}/api/items/{i}", ORIGIN, "GET", (("X-Requested-With", "XMLHttpRequest"),))
            yield CheckJob(str(i), build_plan(spec), options)

    async def engine(transport: str = "httpx", client=None) -> int:
        allowed = 0

        def count(result) -> None:
            nonlocal allowed
            allowed += bool(result.verdict and result.verdict.allowed)

        await run_jobs_async(jobs(), BatchOptions(conc, transport, keep_results=False), count, client=client)
        return allowed

    async def on_httpx_aiohttp() -> int:
        import httpx_aiohttp

        httpx = import_httpx()
        limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
        async with httpx.AsyncClient(transport=httpx_aiohttp.AiohttpTransport(limits=limits), timeout=10) as client:
            return await engine(client=client)

    async def bare_aiohttp() -> int:
        namespace: dict = {}
        exec(REF_AIOHTTP.split("asyncio.run(")[0], namespace)  # defines main(base, n, conc), prints its figure
        await namespace["main"](base, n, conc)
        return n

    variants = {
        "engine on the aiohttp sender (ci default)": lambda: engine(transport="aiohttp"),
        "engine on httpx.AsyncClient, its own pool": lambda: engine(transport="httpx"),
        "engine on httpx.AsyncClient + httpx-aiohttp": on_httpx_aiohttp,
        "bare aiohttp loop (no CORS evaluation)": bare_aiohttp,
    }
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        del variants["engine on httpx.AsyncClient + httpx-aiohttp"]
        print("(httpx-aiohttp is not installed: that variant is skipped)")
    print(f"\nin one process, {n} checks, concurrency {conc}, {args.rounds} rounds (shuffled order):")
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        order = list(variants)
        random.shuffle(order)
        for name in order:
            started = time.perf_counter()
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    allowed = asyncio.run(variants[name]())
                finally:
                    sys.stdout = stdout
            times[name].append(time.perf_counter() - started)
            if allowed != n:
                raise SystemExit(f"{name}: only {allowed} of {n} checks allowed")
    bare = statistics.median(times["bare aiohttp loop (no CORS evaluation)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:46} {median:6.2f} s ({min(values):.2f}-{max(values):.2f})  {n / median:6.0f} checks/s  "
            f"{bare / median:5.2f}× the bare loop"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-checks", type=int, default=10000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--with-httpx-transport",
        action="store_true",
        help="also time `cors-doctor ci --transport httpx` (slow; for docs/design.md)",
    )
    parser.add_argument(
        "--compare-transports",
        action="store_true",
        help="also time the batch engine on each candidate transport in one process (docs/design.md)",
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="cors-doctor-bench-")
    proc, base, description = start_server(scratch)
    try:
        print(f"server: {description} at {base}; client and server share this machine's {os.cpu_count()} CPUs")
        throughput(args, base, scratch)
        # Memory before the in-process comparison: a child forked from a big parent starts out
        # with the parent's resident pages counted in its peak RSS.
        if not args.skip_memory:
            memory(args, base, scratch)
        if args.compare_transports:
            compare_transports(args, base)
    finally:
        stop(proc)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
