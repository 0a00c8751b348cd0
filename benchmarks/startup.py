"""Start-up and single-check cost of cors-doctor, side by side with minimal references.

Pairs, run alternately (A B A B ...) so machine drift hits both sides alike:

1. `cors-doctor --help`  vs  `python -c "import typer"`          target: ratio <= 1.5
2. `cors-doctor check` of a local server (preflight + GET)
   vs a minimal stdlib http.client script sending the same two requests   target: ratio <= 4

Prints the median wall time of each command, the median of the per-pair ratios, and whether
the target holds. Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PY = sys.executable
ORIGIN = "http://localhost:5173"

STDLIB_CHECK = r"""
import http.client, sys
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection(host, port, timeout=10)
c.request("OPTIONS", path, headers={"Origin": "%s", "Access-Control-Request-Method": "GET",
                                    "Access-Control-Request-Headers": "x-requested-with"})
r = c.getresponse(); r.read()
ok = r.getheader("Access-Control-Allow-Origin") == "%s"
c.request("GET", path, headers={"Origin": "%s", "X-Requested-With": "XMLHttpRequest"})
r = c.getresponse(); r.read()
sys.exit(0 if ok and r.getheader("Access-Control-Allow-Origin") == "%s" else 1)
""" % (ORIGIN, ORIGIN, ORIGIN, ORIGIN)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, extra: list[tuple[str, str]], body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", ""))
        self.send_header("Vary", "Origin")
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self._reply(
            204, [("Access-Control-Allow-Methods", "GET"), ("Access-Control-Allow-Headers", "X-Requested-With")]
        )

    def do_GET(self) -> None:
        self._reply(200, [("Content-Type", "application/json")], b'{"ok": true}')


def _cli() -> list[str]:
    exe = os.path.join(os.path.dirname(PY), "cors-doctor")
    return [exe] if os.path.exists(exe) else [PY, "-m", "cors_doctor"]


def _time(cmd: list[str], expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return elapsed


def _pair(name: str, a: list[str], b: list[str], runs: int, target: float) -> bool:
    for _ in range(2):  # warm-up: page cache, .pyc files
        _time(a), _time(b)
    ta, tb, ratios = [], [], []
    for _ in range(runs):
        x, y = _time(a), _time(b)
        ta.append(x), tb.append(y), ratios.append(x / y)
    ratio = statistics.median(ratios)
    ok = ratio <= target
    print(f"\n{name}")
    print(
        f"  A {statistics.median(ta) * 1000:7.1f} ms  (min {min(ta) * 1000:.1f}, max {max(ta) * 1000:.1f})  {' '.join(a[-3:])}"
    )
    print(
        f"  B {statistics.median(tb) * 1000:7.1f} ms  (min {min(tb) * 1000:.1f}, max {max(tb) * 1000:.1f})  reference"
    )
    print(f"  A/B median of {runs} paired ratios: {ratio:.2f}  (target <= {target})  {'OK' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/items"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, local server {url}")
    try:
        ok1 = _pair(
            "cors-doctor --help  vs  python -c 'import typer'",
            [*_cli(), "--help"],
            [PY, "-c", "import typer"],
            args.runs,
            1.5,
        )
        ok2 = _pair(
            "cors-doctor check (preflight + GET)  vs  stdlib http.client script",
            [*_cli(), "check", url, "--origin", ORIGIN, "--header", "X-Requested-With: XMLHttpRequest"],
            [PY, "-c", STDLIB_CHECK, host, str(port), "/items"],
            args.runs,
            4.0,
        )
    finally:
        server.shutdown()
    print("\nall targets met" if ok1 and ok2 else "\nsome targets missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
