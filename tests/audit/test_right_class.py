"""The right class and the right severity on apps written the way people write them (real servers).

* Express with the npm `cors` package and origin patterns whose flaw is a missing anchor, not a
  dot: the finding is CD704 with the anchoring fix, never CD706 "escape the dots".
* Starlette with allow_origins=["*"] and allow_credentials=True: a browser with a session gets
  the Origin echoed with credentials, so the finding is high, with both replies as evidence.
* A 404 path behind a 2xx preflight: the note and the severity come from one rule.
* Derived trusted origins: a reflecting endpoint without `Vary: Origin` is reported.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cors_doctor.audit.model import make_target
from cors_doctor.audit.run import audit
from cors_doctor.batch import BatchOptions
from cors_doctor.net import SendOptions
from tests._loopback import closing_all, free_port
from tests._uvicorn import UvicornServer
from tests.frameworks.procs import ServerProcess

from . import servers
from .conftest import codes, run_audit

pytestmark = pytest.mark.integration

EXPRESS_DIR = Path(__file__).resolve().parents[1] / "frameworks" / "express"
NPM_TIMEOUT = 300

# Each route has its own cors() options; only GET /<route>/items exists besides /putonly.
EXPRESS_SERVER = r"""
const express = require('express');
const cors = require('cors');
const app = express();
const items = (req, res) => res.json({ items: [1, 2, 3] });
const routes = {
  suffix: cors({ origin: /weakco\.vlab$/, credentials: true }),
  dem: cors({ origin: /cors\.dem$/, credentials: true }),
  contains: cors({ origin: (o, cb) => cb(null, !!o && o.includes('weakco.vlab')), credentials: true }),
  dot: cors({ origin: /^http:\/\/www.weakco\.vlab$/, credentials: true }),
};
for (const [name, middleware] of Object.entries(routes)) {
  app.use('/' + name, middleware);
  app.get('/' + name + '/items', items);
}
app.use('/putonly', cors({ origin: true, credentials: true }));
app.put('/putonly/items', items);
app.listen(Number(process.argv[2]), '127.0.0.1');
"""


@pytest.fixture(scope="module")
def express(tmp_path_factory):
    """One node process serving EXPRESS_SERVER on a free loopback port."""
    node, modules = shutil.which("node"), EXPRESS_DIR / "node_modules"
    assert node, "node is needed for the Express tests (Debian: apt-get install -y nodejs npm)"
    if not (modules / "cors").is_dir() or not (modules / "express").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the Express tests (Debian: apt-get install -y nodejs npm)"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(EXPRESS_DIR)],
            check=True,
            timeout=NPM_TIMEOUT,
            capture_output=True,
        )
    directory = tmp_path_factory.mktemp("express-audit")
    (directory / "server.js").write_text(EXPRESS_SERVER)
    port = free_port()
    server = ServerProcess(
        [node, str(directory / "server.js"), str(port)], directory, port, {"NODE_PATH": str(modules)}
    )
    server.start()
    yield server.url
    server.stop()


def _finding(result, code):
    return next(f for f in result.findings if f.code == code)


@pytest.mark.parametrize(
    "route, trusted, dot_swapped",
    [
        ("suffix", "http://www.weakco.vlab", "http://wwwxweakco.vlab"),
        ("dem", "http://www.cors.dem", "http://wwwxcors.dem"),
        ("contains", "http://www.weakco.vlab", "http://wwwxweakco.vlab"),
    ],
)
def test_missing_anchor_is_a_suffix_finding_not_an_unescaped_dot(express, route, trusted, dot_swapped):
    result = run_audit(f"{express}/{route}/items", trusted)
    found = codes(result)
    assert found["CD704"] == "high"
    assert "CD706" not in found
    suffix = _finding(result, "CD704")
    assert suffix.credentials is True
    assert suffix.evidence[0].probe.crafted.kind == "suffix"  # the proof is evilweakco.vlab, not the dot swap
    assert suffix.evidence[0].allow_origin == suffix.evidence[0].probe.origin
    assert dot_swapped in suffix.origins
    assert (
        "require a dot before the trusted domain" in suffix.fix
        and "escaping its dots alone changes nothing" in suffix.fix
    )
    assert not any("Escape the dots" in f.fix for f in result.findings)
    if route == "contains":
        assert found["CD703"] == "high"  # includes() also takes www.weakco.vlab.evil.example


def test_an_unescaped_dot_alone_is_still_cd706(express):
    result = run_audit(f"{express}/dot/items", "http://www.weakco.vlab")
    assert codes(result) == {"CD706": "high"}
    finding = result.findings[0]
    assert finding.origins == ("http://wwwxweakco.vlab",)
    assert finding.fix.startswith("Escape the dots of the origin pattern")


def test_404_path_behind_a_2xx_preflight_note_matches_severity(express):
    result = run_audit(f"{express}/putonly/items", "http://www.weakco.vlab")
    assert result.status == 404
    reflected = _finding(result, "CD701")
    assert reflected.severity == "medium" and reflected.evidence[-1].probe.is_preflight
    assert reflected.evidence[-1].response.status == 204
    [note] = [n for n in result.notes if n.startswith("the URL answered 404")]
    assert "capped at low" in note and "CD701 rests on a 204 preflight and is not capped" in note


def test_404_everywhere_is_capped_and_said_so(loopback_server):
    server = loopback_server(servers.reflect_everywhere)
    result = run_audit(server.url + "/gone")
    assert codes(result)["CD701"] == "low"
    [note] = [n for n in result.notes if n.startswith("the URL answered 404")]
    assert note == "the URL answered 404: findings that rest on a 404 reply are capped at low"


@pytest.fixture
def uvicorn_app():
    with closing_all(UvicornServer) as start:
        yield lambda app: start(app).url


def test_star_with_credentials_needing_a_cookie_is_high(uvicorn_app):
    url = uvicorn_app(servers.cookie_gated_star_app()) + "/items"
    result = run_audit(url)
    found = codes(result)
    assert found["CD701"] == "high"
    assert "CD712" not in found  # the cookie showed what `*` + credentials really means here
    reflected = _finding(result, "CD701")
    without, with_cookie = reflected.evidence
    assert without.allow_origin == "*" and without.allows_credentials and not without.probe.is_preflight
    assert dict(with_cookie.probe.headers)["Cookie"] == "cors_doctor_probe=1"
    assert with_cookie.allow_origin == with_cookie.probe.origin and with_cookie.allows_credentials
    assert "dummy `Cookie`" in reflected.message
    assert sum(o.probe.purpose == "with-cookie" for o in result.outcomes) == 1


def test_starlette_star_with_credentials_is_high_whatever_the_release(starlette):
    url = starlette(allow_origins=["*"], allow_credentials=True)
    result = run_audit(url + "/items")
    assert codes(result)["CD701"] == "high"
    assert _finding(result, "CD701").credentials is True


def test_user_cookie_means_no_dummy_cookie(uvicorn_app):
    url = uvicorn_app(servers.cookie_gated_star_app()) + "/items"
    result = run_audit(url, extra_headers=(("Cookie", "session=1"),))
    assert codes(result)["CD701"] == "high"
    assert not any(o.probe.purpose == "with-cookie" for o in result.outcomes)


def test_reflection_without_vary_with_derived_origins(loopback_server):
    server = loopback_server(servers.reflect_all)
    [derived] = audit([make_target(server.url + "/items")], BatchOptions(8, "aiohttp"), SendOptions(timeout=5))
    assert all(t.source == "derived" for t in derived.trusted)
    vary = _finding(derived, "CD714")
    assert vary.severity == "low"
    echo = vary.evidence[0]
    assert echo.allow_origin == echo.probe.origin and echo.header("Vary") is None
