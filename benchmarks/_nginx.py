"""A throwaway nginx on a free 127.0.0.1 port for the throughput benchmarks.

Each benchmark supplies only what its server answers (the body of the `server` block); the
rest (one worker, no access log, keep-alive without limit, the origin allow-list in `$acao`)
is the same for all, so their figures stay comparable.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time

CONF = """
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096;{events} }}
http {{
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;
  uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
  map $http_origin $acao {{ default ""; "{origin}" $http_origin; }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
{server}
  }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary: on PATH, or where Debian puts it (/usr/sbin is not always on PATH)."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 10.0) -> None:
    """Return once 127.0.0.1:port accepts connections; exit the benchmark if the server died or took too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the benchmark server exited with code {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the benchmark server did not listen on 127.0.0.1:{port} within {seconds:.0f} s")


def start_nginx(nginx: str, root: str, server: str, origin: str, events: str = "") -> tuple[subprocess.Popen, int]:
    """Run nginx with its config, temp files and pid file under `root`; returns (process, port).

    `server` is the text inside the `server {}` block after `listen`; `events` is added to the
    `events {}` block. `$acao` holds the request's Origin when it is `origin`, else "".
    """
    port = free_port()
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(CONF.format(d=root, port=port, origin=origin, server=server.strip("\n"), events=events))
    proc = subprocess.Popen([nginx, "-c", conf, "-p", root], stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
    except SystemExit:
        stop(proc)
        raise
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (nginx: fast shutdown of master and worker), then kill if it lingers."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
