"""`app = "main:app"` in a ci policy: every check runs against the application in-process."""

from __future__ import annotations

import json
from pathlib import Path

from .test_cli_app import FASTAPI_MAIN, FLASK_WEB

POLICY = """
version = 1
app = "{app}"
app_dir = "src"

[defaults]
origins = ["http://localhost:5173"]

[[check]]
name = "{name}"
path = "{path}"
method = "{method}"
credentials = {credentials}
actual = true
expect = "allow"

[[check]]
name = "strangers"
paths = ["{path}"]
origins = ["https://evil.example"]
credentials = true
expect = "block"
"""


def _project(tmp_path: Path, module: str, source: str, **policy: str) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / f"{module}.py").write_text(source)
    path = tmp_path / "cors-policy.toml"
    path.write_text(POLICY.format(**policy))
    return path


def test_a_policy_on_an_asgi_app(cli, tmp_path: Path) -> None:
    policy = _project(
        tmp_path, "main", FASTAPI_MAIN, app="main:app", name="save", path="/items", method="PUT", credentials="false"
    )
    run = cli("ci", str(policy), "--json")
    report = json.loads(run.stdout)
    results = {r["check"]: r for r in report["results"]}
    # PUT without a body: FastAPI answers 422, which carries CORS headers, so the browser allows it.
    assert results["save"]["status"] == "pass", results["save"]
    assert results["strangers"]["status"] == "pass" and results["strangers"]["allowed"] is False
    assert run.code == 0, run.stderr


def test_a_policy_on_a_wsgi_app_that_fails_an_expectation(cli, tmp_path: Path) -> None:
    policy = _project(
        tmp_path, "web", FLASK_WEB, app="web:application", name="me", path="/me", method="GET", credentials="true"
    )
    run = cli("ci", str(policy), "--json")
    assert run.code == 0, run.stdout + run.stderr
    # The same policy, now claiming strangers may read /me with cookies: Flask-CORS does not allow it.
    policy.write_text(
        policy.read_text().replace('credentials = true\nexpect = "block"', 'credentials = true\nexpect = "allow"')
    )
    run = cli("ci", str(policy), "--json")
    results = {r["check"]: r for r in json.loads(run.stdout)["results"]}
    assert results["me"]["status"] == "pass" and results["me"]["allowed"] is True
    assert results["strangers"]["status"] == "fail" and results["strangers"]["allowed"] is False
    assert run.code == 1


def test_a_bad_app_is_a_usage_error(cli, tmp_path: Path) -> None:
    policy = _project(
        tmp_path, "main", FASTAPI_MAIN, app="main", name="save", path="/items", method="PUT", credentials="false"
    )
    run = cli("ci", str(policy))
    assert run.code == 2 and 'must be "module:attribute"' in run.stderr
    policy.write_text(policy.read_text().replace('app = "main"', 'app = "missing:app"'))
    run = cli("ci", str(policy))
    assert run.code == 2 and "no module 'missing'" in run.stderr and "Traceback" not in run.stderr
