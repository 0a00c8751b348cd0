"""nginx (Debian package) in the foreground on a free port: diagnose, apply the suggested map and
location lines, restart, re-check.

The suggestion has two parts, `http` (the map allow-list) and `location`; each goes into the slot
of the same name in the configuration template, exactly as printed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
AUTH = ("--header", "Authorization: Bearer t")

CONF = """\
@@USER@@
worker_processes 1;
daemon off;
pid @@DIR@@/nginx.pid;
error_log @@DIR@@/error.log warn;
events { worker_connections 64; }

http {
    access_log off;
    client_body_temp_path @@DIR@@/tmp_body;
    proxy_temp_path @@DIR@@/tmp_proxy;
    fastcgi_temp_path @@DIR@@/tmp_fastcgi;
    uwsgi_temp_path @@DIR@@/tmp_uwsgi;
    scgi_temp_path @@DIR@@/tmp_scgi;
    default_type application/json;

@@HTTP@@

@@UPSTREAM@@

    server {
        listen 127.0.0.1:@@PORT@@;
        root @@DIR@@/www;

        location /api/ {
@@LOCATION@@
@@BACKEND@@
        }
    }
}
"""

# The application behind the proxy (a unix socket, so no second port): it sends its own `*`.
UPSTREAM = """\
    server {
        listen unix:@@DIR@@/app.sock;
        location / {
            add_header Access-Control-Allow-Origin "*" always;
            return 200 '{"items": [1, 2, 3]}';
        }
    }
"""

WITHOUT_ALWAYS = """\
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin "http://localhost:5173";
    add_header Access-Control-Allow-Methods "GET";
    add_header Access-Control-Allow-Headers "Authorization";
    return 204;
}
add_header Access-Control-Allow-Origin "http://localhost:5173";
"""

REFLECTING = """\
add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials "true" always;
add_header Vary Origin always;
"""


def nginx_argv(port: int, directory: Path) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-e", str(directory / "error.log")]


@pytest.fixture
def nginx(serve, tmp_path, cli) -> AppUnderTest:
    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), "nginx is needed (apt-get install -y nginx-light)"
    # Started as root, nginx's workers drop to `nobody`, who cannot read a private temp dir.
    user = "user root;" if os.geteuid() == 0 else ""
    files = {"nginx.conf": CONF.replace("@@USER@@", user), "www/api/items.json": '{"items": [1, 2, 3]}\n'}
    return AppUnderTest(serve, tmp_path, cli, framework="nginx", files=files, argv=nginx_argv)


def apply_fix(nginx: AppUnderTest, before, path: str, *flags: str, **slots: str):
    return nginx.recheck(
        before, path, PAGE, *flags, http=before.part("http"), location=before.part("location"), **slots
    )


def test_no_cors_at_all_preflight_refused_by_nginx(nginx):
    nginx.start()
    before = nginx.check("/api/items.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    http, location = before.part("http"), before.part("location")
    assert "map $http_origin $cors_allow_origin" in http and f'"{PAGE}"' in http
    assert "$http_origin always" not in location and "return 204;" in location
    assert all(line.rstrip().endswith("always;") for line in location.splitlines() if "add_header" in line)
    apply_fix(nginx, before, "/api/items.json", *AUTH)


def test_add_header_without_always_on_a_404(nginx):
    nginx.start(location=WITHOUT_ALWAYS)
    before = nginx.check("/api/missing.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD308", "CD604"} <= before.codes, before.explain()
    after = apply_fix(nginx, before, "/api/missing.json", *AUTH)
    assert after.doc["actual"]["hops"][-1]["status"] == 404  # the page now sees the real 404


def test_reflected_origin_with_credentials(nginx):
    nginx.start(location=REFLECTING)
    before = nginx.check("/api/items.json", PAGE, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    cd607 = next(f for f in before.doc["findings"] if f["code"] == "CD607")
    assert "$http_origin" in cd607["message"]
    assert "$http_origin $cors_allow_credentials" in before.part("http")
    after = apply_fix(nginx, before, "/api/items.json", "--credentials")
    assert "CD607" not in after.codes


def test_proxy_and_application_both_add_the_header(nginx):
    backend = "proxy_pass http://unix:@@DIR@@/app.sock;"
    nginx.start(upstream=UPSTREAM, backend=backend, location=f'add_header Access-Control-Allow-Origin "{PAGE}" always;')
    before = nginx.check("/api/items", PAGE)
    assert not before.allowed and {"CD302", "CD606"} <= before.codes, before.explain()
    assert "proxy_hide_header Access-Control-Allow-Origin;" in before.part("location")
    apply_fix(nginx, before, "/api/items", upstream=UPSTREAM, backend=backend)


def test_nginx_is_guessed_from_its_error_page(nginx):
    nginx.start()
    result = nginx.check("/api/items.json", PAGE, *AUTH, framework=None)
    assert result.framework["name"] == "nginx" and result.framework["guessed"] is True
    assert any("error page" in e for e in result.framework["evidence"]), result.framework
    assert [p["where"] for p in result.fix["parts"]] == ["http", "location"]
