"""Caddy v2 (Debian caddy) on a free port: diagnose, put the suggested directives in the site
block, restart, re-check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
AUTH = ("--header", "Authorization: Bearer t")

CADDYFILE = """\
{
\tadmin off
}

http://127.0.0.1:@@PORT@@ {
\troot * @@DIR@@/www
@@CORS@@
\tfile_server
}
"""

# The widely copied snippet: every origin echoed, with credentials.
REFLECTING = """\
header Access-Control-Allow-Origin "{header.Origin}"
header Access-Control-Allow-Credentials "true"
@options method OPTIONS
respond @options 204
"""

STATIC_HEADERS = """\
@preflight method OPTIONS
handle @preflight {
    header Access-Control-Allow-Origin "http://localhost:5173"
    header Access-Control-Allow-Headers "Authorization"
    respond "" 204
}
header Access-Control-Allow-Origin "http://localhost:5173" {
    defer
}
"""


@pytest.fixture
def caddy(serve, tmp_path, cli) -> AppUnderTest:
    binary = shutil.which("caddy")
    assert binary, "caddy is needed (apt-get install -y caddy)"
    files = {"Caddyfile": CADDYFILE, "www/api/items.json": '{"items": [1, 2, 3]}\n'}
    return AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework="caddy",
        files=files,
        argv=lambda port, directory: [
            binary,
            "run",
            "--config",
            str(directory / "Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        env={"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )


def test_no_cors_preflight_refused_by_file_server(caddy):
    caddy.start()
    before = caddy.check("/api/items.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    caddy.recheck(before, "/api/items.json", PAGE, *AUTH, cors=before.fix["snippet"])


def test_reflected_origin_with_credentials(caddy):
    caddy.start(cors=REFLECTING)
    before = caddy.check("/api/items.json", PAGE, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    after = caddy.recheck(before, "/api/items.json", PAGE, "--credentials", cors=before.fix["snippet"])
    assert "CD607" not in after.codes


def test_error_replies_without_cors_headers(caddy):
    caddy.start(cors=STATIC_HEADERS)
    before = caddy.check("/api/missing.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD308"} <= before.codes, before.explain()
    assert "handle_errors {" in before.fix["snippet"]
    after = caddy.recheck(before, "/api/missing.json", PAGE, *AUTH, cors=before.fix["snippet"])
    assert after.doc["actual"]["hops"][-1]["status"] == 404


def test_caddy_is_guessed_from_the_server_header(caddy):
    caddy.start()
    result = caddy.check("/api/items.json", PAGE, framework=None)
    assert result.framework["name"] == "caddy" and result.framework["guessed"] is True
    assert Path(caddy.server.cwd / "Caddyfile").exists()
