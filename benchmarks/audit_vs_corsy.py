"""`cors-doctor audit` next to Corsy on the same local vulnerable apps: classes found, requests, speed.

A local nginx on a random loopback port serves six small apps, one per path prefix, each trusting
its own origin (http://127.0.0.1:PORT) and adding one weakness: origin reflection, a prefix
pattern, `null` allowed, a host parser that stops at odd characters, `*`, and a correct
allow-list. N URLs are spread over the apps. Both tools get only the URL list (no trusted origin),
in the same run:

* cors-doctor: `cors-doctor audit -i urls.txt -c C --json` (whole process);
* Corsy: its own files, copied at run time from a local snapshot of s0md3v/Corsy (a git
  directory given with --corsy-git, default the search tool's mirror path) into a temporary
  directory and run with a temporary venv (`requests` from the system site packages, else pip);
  `corsy.py -t T -o out.json < urls.txt`. Without a snapshot, a loop of Python threads sends
  Corsy's request pattern with `requests` instead, and the output says so.

Requests are counted from nginx's access log, the same way for both. Prints, side by side: the
classes each tool reported per app, requests per URL, median wall time, URLs/s and requests/s,
and the ratios. Loopback only; nothing here is a test.

`--before DIR` also times the `cors_doctor` package of another checkout (for example the commit
before a change) in the same rounds, so before and after meet the same machine load.

Usage: python benchmarks/audit_vs_corsy.py [--urls 300] [--concurrency 50] [--threads 20] [--rounds 3]
                                           [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

from _nginx import find_nginx, start_nginx, stop

PY = sys.executable
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORSY_GIT = "/work/.mirror/s0md3v+Corsy/repo"
APPS = ("reflect", "prefix", "null", "parser", "star", "safe")

# `$a` becomes the request's Origin when the app's rule accepts it; nginx drops empty headers.
_APP = """
    location /{name}/ {{
      set $a "";
      {rule}
      add_header Access-Control-Allow-Origin $a always;
      add_header Access-Control-Allow-Credentials true always;
      {vary}
      if ($request_method = OPTIONS) {{ return 204; }}
      return 200 '{{"ok": true}}';
    }}"""
_RULES = {
    "reflect": ("set $a $http_origin;", ""),
    "prefix": (
        'if ($http_origin ~ "^http://127\\.0\\.0\\.1") { set $a $http_origin; }',
        "add_header Vary Origin always;",
    ),
    "null": (
        'if ($http_origin = "null") { set $a $http_origin; }\n      '
        'if ($http_origin = "http://$http_host") { set $a $http_origin; }',
        "add_header Vary Origin always;",
    ),
    "parser": (
        'if ($http_origin ~ "^http://127\\.0\\.0\\.1($|[^a-z0-9.-])") { set $a $http_origin; }',
        "add_header Vary Origin always;",
    ),
    "safe": ('if ($http_origin = "http://$http_host") { set $a $http_origin; }', "add_header Vary Origin always;"),
}
_STAR = """
    location /star/ {
      add_header Access-Control-Allow-Origin * always;
      if ($request_method = OPTIONS) { return 204; }
      return 200 '{"ok": true}';
    }"""

# Corsy's requests for one URL when its files are not at hand (core/tests.py, in order; it stops
# at the first finding, and after the first request when that reply has no ACAO).
_CORSY_LIKE = """
import sys, json, concurrent.futures, requests
from urllib.parse import urlparse

def origins(url):
    root, scheme = urlparse(url).netloc, urlparse(url).scheme
    yield scheme + "://" + root, None
    yield scheme + "://example.com", "origin reflected"
    yield scheme + "://" + root + ".example.com", "post-domain wildcard"
    yield scheme + "://d3v" + root, "pre-domain wildcard"
    yield "null", "null origin allowed"
    yield scheme + "://" + root + "_.example.com", "unrecognized underscore"
    yield scheme + "://" + root + "%60.example.com", "broken parser"
    if root.count(".") > 1:
        yield scheme + "://" + root.replace(".", "x", 1), "unescaped regex"
    yield "http://" + root, "http origin allowed"

def scan(url):
    session = requests.Session()
    for origin, name in origins(url):
        acao = session.get(url, headers={"Origin": origin, "Connection": "close"}).headers.get("access-control-allow-origin")
        if name is None and acao is None:
            return None
        if name and acao and (acao == origin or (name == "http origin allowed" and acao.startswith("http://"))):
            return {url: {"class": name}}
    return None

urls = [line.strip() for line in sys.stdin if line.startswith("http")]
out = {}
with concurrent.futures.ThreadPoolExecutor(int(sys.argv[1])) as pool:
    for result in pool.map(scan, urls):
        out.update(result or {})
json.dump(out, open(sys.argv[2], "w"))
"""


def nginx_server(log: str) -> str:
    body = [f"    default_type application/json;\n    access_log {log};"]
    body += [_APP.format(name=name, rule=rule, vary=vary) for name, (rule, vary) in _RULES.items()]
    body.append(_STAR)
    return "\n".join(body)


def log_lines(log: str) -> int:
    with open(log, "rb") as handle:
        return sum(1 for _ in handle)


def corsy_command(workdir: str, corsy_git: str) -> tuple[list[str], str]:
    """The command that runs Corsy from a copy of its files, or the stand-in loop; and a label."""
    venv = os.path.join(workdir, "corsy-venv")
    subprocess.run([PY, "-m", "venv", "--system-site-packages", venv], check=True)
    python = os.path.join(venv, "bin", "python")
    if subprocess.run([python, "-c", "import requests"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", "requests"], check=True)
    if os.path.isdir(corsy_git):
        target = os.path.join(workdir, "corsy")
        os.makedirs(target)
        archive = subprocess.run(["git", "--git-dir", corsy_git, "archive", "HEAD"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", target], input=archive.stdout, check=True)
        commit = subprocess.run(
            ["git", "--git-dir", corsy_git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        return [python, os.path.join(target, "corsy.py"), "-q"], f"Corsy @ {commit}"
    stand_in = os.path.join(workdir, "corsy_like.py")
    with open(stand_in, "w") as handle:
        handle.write(_CORSY_LIKE)
    return [python, stand_in], "Corsy's request pattern (stand-in loop; no Corsy snapshot found)"


def run_corsy(command: list[str], urls_file: str, threads: int, out: str) -> float:
    is_corsy = command[1].endswith("corsy.py")
    argv = command + (["-t", str(threads), "-o", out] if is_corsy else [str(threads), out])
    started = time.perf_counter()
    with open(urls_file) as stdin:
        proc = subprocess.run(argv, stdin=stdin, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"Corsy failed ({proc.returncode}): {proc.stderr.strip()[-300:]}")
    return elapsed


def run_audit(urls_file: str, concurrency: int, checkout: str = REPO) -> tuple[float, dict]:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": checkout}
    proc = subprocess.run(
        [PY, "-m", "cors_doctor", "audit", "-i", urls_file, "-c", str(concurrency), "--json", "--fail-on", "none"],
        capture_output=True,
        text=True,
        cwd=checkout,
        env=env,
        timeout=900,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"cors-doctor audit failed ({proc.returncode}): {proc.stderr.strip()[-300:]}")
    return elapsed, json.loads(proc.stdout)


def _app(url: str) -> str:
    return url.split("/")[3]


def classes(audit_report: dict, corsy_out: str) -> tuple[dict[str, Counter], dict[str, Counter]]:
    ours: dict[str, Counter] = defaultdict(Counter)
    for r in audit_report["results"]:
        for f in r["findings"]:
            ours[_app(r["url"])][f"{f['code']} {f['severity']}"] += 1
    theirs: dict[str, Counter] = defaultdict(Counter)
    if os.path.exists(corsy_out):
        with open(corsy_out) as handle:
            for url, info in json.load(handle).items():
                theirs[_app(url)][info["class"]] += 1
    return ours, theirs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50, help="cors-doctor requests in flight")
    parser.add_argument("--threads", type=int, default=20, help="Corsy threads (-t)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corsy-git", default=DEFAULT_CORSY_GIT)
    parser.add_argument("--before", metavar="DIR", help="another cors-doctor checkout to time in the same rounds")
    args = parser.parse_args()
    nginx = find_nginx()
    if nginx is None:
        print("nginx not found: install nginx-light to run this benchmark")
        return 0
    with tempfile.TemporaryDirectory() as workdir:
        log = os.path.join(workdir, "access.log")
        corsy, label = corsy_command(workdir, args.corsy_git)
        proc, port = start_nginx(nginx, workdir, nginx_server(log), "http://unused.invalid")
        try:
            urls = [f"http://127.0.0.1:{port}/{APPS[i % len(APPS)]}/{i}" for i in range(args.urls)]
            urls_file = os.path.join(workdir, "urls.txt")
            with open(urls_file, "w") as handle:
                handle.write("\n".join(urls) + "\n")
            times: dict[str, list[float]] = {"audit": [], "corsy": [], "before": []}
            sent: dict[str, int] = {}
            report: dict = {}
            corsy_out = os.path.join(workdir, "corsy.json")
            for _ in range(args.rounds):
                before = log_lines(log)
                elapsed, report = run_audit(urls_file, args.concurrency)
                times["audit"].append(elapsed)
                sent["audit"] = log_lines(log) - before
                before = log_lines(log)
                times["corsy"].append(run_corsy(corsy, urls_file, args.threads, corsy_out))
                sent["corsy"] = log_lines(log) - before
                if args.before:
                    before = log_lines(log)
                    times["before"].append(run_audit(urls_file, args.concurrency, args.before)[0])
                    sent["before"] = log_lines(log) - before
            ours, theirs = classes(report, corsy_out)
        finally:
            stop(proc)

    per_app = args.urls // len(APPS)
    print(f"{args.urls} URLs over {len(APPS)} apps (about {per_app} each), {args.rounds} rounds, whole processes")
    print(f"{'app':<8} {label:<40} cors-doctor audit")
    for app in APPS:
        left = ", ".join(f"{k} ×{v}" for k, v in sorted(theirs[app].items())) or "-"
        right = ", ".join(f"{k} ×{v}" for k, v in sorted(ours[app].items())) or "-"
        print(f"{app:<8} {left:<40} {right}")
    rates = {}
    runs = [("corsy", label), ("audit", f"cors-doctor audit -c {args.concurrency}")]
    if args.before:
        runs.append(("before", f"the same, from {os.path.basename(args.before.rstrip('/'))}"))
    for name, title in runs:
        median = statistics.median(times[name])
        rates[name] = (args.urls / median, sent[name] / median)
        print(
            f"{title:<44} {median:7.2f} s {sent[name] / args.urls:6.1f} req/URL "
            f"{rates[name][0]:8.1f} URLs/s {rates[name][1]:9.1f} req/s"
        )
    print(
        f"audit ÷ Corsy: {rates['audit'][1] / rates['corsy'][1]:.2f}× requests/s, "
        f"{rates['audit'][0] / rates['corsy'][0]:.2f}× URLs/s, "
        f"{statistics.median(times['audit']) / statistics.median(times['corsy']):.2f}× wall time"
    )
    if args.before:
        print(
            f"before ÷ Corsy: {rates['before'][1] / rates['corsy'][1]:.2f}× requests/s, "
            f"{rates['before'][0] / rates['corsy'][0]:.2f}× URLs/s, "
            f"{statistics.median(times['before']) / statistics.median(times['corsy']):.2f}× wall time"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
