"""What an installed copy of cors-doctor carries: license, links, one version, a changelog that
names it, and finding output that points at the docs site instead of the source tree."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import metadata, version
from pathlib import Path

import cors_doctor
from cors_doctor.links import DOCS_URL, docs_page, rule_url
from cors_doctor.model import Finding

REPO = Path(__file__).resolve().parents[1]


def test_license_file_and_metadata_agree() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    meta = metadata("cors-doctor")
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in (meta.get_all("License-File") or [])


def test_version_is_written_once_and_the_changelog_names_it() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("cors-doctor") == cors_doctor.__version__
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert headings[0] == "Unreleased" and headings[1] == cors_doctor.__version__
    assert re.search(
        rf"^## \[{re.escape(cors_doctor.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.MULTILINE
    )
    assert "### What changed for users" in changelog


def test_metadata_has_links_classifiers_and_keywords() -> None:
    meta = metadata("cors-doctor")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls["Documentation"] == DOCS_URL and urls["Finding codes"] == docs_page("rules/README.md")
    classifiers = meta.get_all("Classifier")
    assert "Programming Language :: Python :: 3.11" in classifiers and "Topic :: Security" in classifiers
    assert "cors" in meta["Keywords"].split(",")


def test_findings_point_at_the_docs_site() -> None:
    finding = Finding("CD301", "error", "No Access-Control-Allow-Origin header", "msg")
    assert finding.docs == "https://cors-doctor.readthedocs.io/en/latest/rules/CD301/" == rule_url("CD301")
    assert docs_page("frameworks/README.md") == DOCS_URL + "frameworks/"
    assert docs_page("index.md") == DOCS_URL and docs_page("ci.md") == DOCS_URL + "ci/"


def test_check_prints_the_docs_address(cli, loopback_server) -> None:
    server = loopback_server(lambda request: (200, [("Content-Type", "text/plain")], b"ok"))
    result = cli("check", f"http://127.0.0.1:{server.port}/x", "--origin", "http://localhost:5173")
    assert result.code == 1
    assert "docs: https://cors-doctor.readthedocs.io/en/latest/rules/CD301/" in result.stdout
    assert "docs/rules/" not in result.stdout
