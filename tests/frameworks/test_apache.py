"""Apache httpd (Debian apache2) in the foreground on a free port: diagnose, put the suggested
directives in the <Location>, restart, re-check.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
AUTH = ("--header", "Authorization: Bearer t")
APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"

CONF = f"""\
ServerName 127.0.0.1
Listen 127.0.0.1:@@PORT@@
PidFile @@DIR@@/httpd.pid
ErrorLog @@DIR@@/error.log
DefaultRuntimeDir @@DIR@@
LoadModule mpm_event_module {MODULES}/mod_mpm_event.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule headers_module {MODULES}/mod_headers.so
LoadModule setenvif_module {MODULES}/mod_setenvif.so
LoadModule rewrite_module {MODULES}/mod_rewrite.so
LoadModule mime_module {MODULES}/mod_mime.so
TypesConfig /etc/mime.types
@@USER@@
DocumentRoot @@DIR@@/www
<Directory @@DIR@@/www>
    Require all granted
</Directory>
<Location /api/>
@@CORS@@
</Location>
"""

WITHOUT_ALWAYS = """\
SetEnvIf Origin "^http://localhost:5173$" CORS_ALLOW_ORIGIN=$0
Header set Access-Control-Allow-Origin "%{CORS_ALLOW_ORIGIN}e" env=CORS_ALLOW_ORIGIN
Header set Access-Control-Allow-Methods "GET"
Header set Access-Control-Allow-Headers "Authorization"
"""

REFLECTING = """\
Header always set Access-Control-Allow-Origin "expr=%{req:Origin}"
Header always set Access-Control-Allow-Credentials "true"
Header always merge Vary "Origin"
"""


@pytest.fixture
def readable_tmp() -> Iterator[Path]:
    """A directory apache's unprivileged workers can read (pytest's own temp dirs are private)."""
    directory = Path(tempfile.mkdtemp(prefix="cors-doctor-apache-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def apache(serve, readable_tmp, cli) -> AppUnderTest:
    assert Path(APACHE).exists(), "apache2 is needed (apt-get install -y apache2)"
    user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    files = {"httpd.conf": CONF.replace("@@USER@@", user), "www/api/items.json": '{"items": [1, 2, 3]}\n'}
    return AppUnderTest(
        serve,
        readable_tmp,
        cli,
        framework="apache",
        files=files,
        argv=lambda port, directory: [APACHE, "-f", str(directory / "httpd.conf"), "-DFOREGROUND"],
    )


def test_no_cors_preflight_answered_by_apache(apache):
    apache.start()
    before = apache.check("/api/items.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    apache.recheck(before, "/api/items.json", PAGE, *AUTH, cors=before.fix["snippet"])


def test_header_set_without_always_on_a_404(apache):
    apache.start(cors=WITHOUT_ALWAYS)
    before = apache.check("/api/missing.json", PAGE, *AUTH)
    assert not before.allowed and {"CD301", "CD308", "CD604"} <= before.codes, before.explain()
    after = apache.recheck(before, "/api/missing.json", PAGE, *AUTH, cors=before.fix["snippet"])
    assert after.doc["actual"]["hops"][-1]["status"] == 404


def test_reflected_origin_with_credentials(apache):
    apache.start(cors=REFLECTING)
    before = apache.check("/api/items.json", PAGE, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    assert "req:Origin" in next(f["message"] for f in before.doc["findings"] if f["code"] == "CD607")
    after = apache.recheck(before, "/api/items.json", PAGE, "--credentials", cors=before.fix["snippet"])
    assert "CD607" not in after.codes


def test_apache_is_guessed_from_the_server_header(apache):
    apache.start()
    result = apache.check("/api/items.json", PAGE, framework=None)
    assert result.framework["name"] == "apache" and result.framework["guessed"] is True
