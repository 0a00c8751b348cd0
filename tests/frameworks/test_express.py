"""Express with the npm `cors` package, served by node: diagnose, apply the suggested app.use(cors(...)), re-check.

The node modules come from tests/frameworks/express (package.json + package-lock.json);
`npm ci --prefix tests/frameworks/express` installs them, and the tests do it once when missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
PUT_JSON = ("-X", "PUT", "--header", "Content-Type: application/json", "--data", "{}", "--actual")
PACKAGE_DIR = Path(__file__).resolve().parent / "express"
NPM_TIMEOUT = 300

SERVER = """\
const express = require('express');

const app = express();

@@CORS@@

app.get('/api/items', (req, res) => res.json({ items: [1, 2, 3] }));
app.put('/api/items', express.json(), (req, res) => res.json(req.body));

app.listen(@@PORT@@, '127.0.0.1');
"""


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """tests/frameworks/express/node_modules, installed with `npm ci` from the lock file when missing."""
    modules = PACKAGE_DIR / "node_modules"
    if not (modules / "cors").is_dir() or not (modules / "express").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the Express tests (Debian: apt-get install -y nodejs npm)"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PACKAGE_DIR)],
            check=True,
            timeout=NPM_TIMEOUT,
            capture_output=True,
        )
    return modules


@pytest.fixture
def express_app(serve, tmp_path, cli, node_modules) -> AppUnderTest:
    node = shutil.which("node")
    assert node, "node is needed for the Express tests"
    return AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework="express",
        files={"server.js": SERVER},
        argv=lambda port, directory: [node, str(directory / "server.js")],
        env={"NODE_PATH": str(node_modules)},
    )


def test_no_cors_preflight_answered_by_the_router(express_app):
    express_app.start()
    before = express_app.check("/api/items", PAGE, *PUT_JSON)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert "const cors = require('cors');" in snippet and "app.use(cors({" in snippet
    assert f"origin: ['{PAGE}']" in snippet and "methods: ['GET', 'PUT']" in snippet
    express_app.recheck(before, "/api/items", PAGE, *PUT_JSON, cors=snippet)


def test_fixed_string_origin_for_another_front_end(express_app):
    express_app.start(cors="const cors = require('cors');\napp.use(cors({ origin: 'http://localhost:3000' }));")
    before = express_app.check("/api/items", PAGE, "--header", "Authorization: Bearer t")
    assert not before.allowed and {"CD304", "CD608"} <= before.codes, before.explain()
    assert f"origin: ['{PAGE}', 'http://localhost:3000']" in before.fix["snippet"]
    express_app.recheck(before, "/api/items", PAGE, "--header", "Authorization: Bearer t", cors=before.fix["snippet"])


def test_origin_true_with_credentials_reflects_every_origin(express_app):
    express_app.start(cors="const cors = require('cors');\napp.use(cors({ origin: true, credentials: true }));")
    before = express_app.check("/api/items", PAGE, *PUT_JSON, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert "credentials: true" in snippet and f"origin: ['{PAGE}']" in snippet and "origin: true" not in snippet
    after = express_app.recheck(before, "/api/items", PAGE, *PUT_JSON, "--credentials", cors=snippet)
    assert "CD607" not in after.codes


def test_express_is_guessed_from_x_powered_by(express_app):
    express_app.start()
    result = express_app.check("/api/missing", PAGE, framework=None)
    assert result.framework["name"] == "express" and result.framework["guessed"] is True
    evidence = " ".join(result.framework["evidence"])
    assert "X-Powered-By: Express" in evidence and "Cannot GET /api/missing" in evidence
