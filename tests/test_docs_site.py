"""The docs site: `mkdocs build --strict` passes, every finding code has the page its findings link
to, the API reference covers the public names, and strict mode really refuses orphans and broken links."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cors_doctor
from cors_doctor.links import DOCS_URL, rule_url
from cors_doctor.rules.catalog import RULES

REPO = Path(__file__).resolve().parents[1]
MKDOCS_TIMEOUT = 240


def build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=MKDOCS_TIMEOUT,
        env=env,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(REPO, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def copy_of_docs(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "docs", root / "docs")
    for name in ("mkdocs.yml", "CHANGELOG.md"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "cors_doctor", root / "cors_doctor", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def site_url() -> str:
    return re.search(r"^site_url:\s*(\S+)", (REPO / "mkdocs.yml").read_text(), re.MULTILINE)[1]


def test_site_url_is_where_findings_point() -> None:
    assert site_url() == DOCS_URL
    from importlib.metadata import metadata

    urls = dict(u.split(", ", 1) for u in metadata("cors-doctor").get_all("Project-URL"))
    assert urls["Documentation"] == DOCS_URL and urls["Changelog"] == DOCS_URL + "changelog/"


def test_every_finding_code_has_the_page_its_findings_link_to(site: Path) -> None:
    for code in RULES:
        page = site / rule_url(code).removeprefix(DOCS_URL) / "index.html"
        assert page.is_file(), page
        assert code in page.read_text(encoding="utf-8")
    assert (site / "rules" / "index.html").is_file()


def test_schemas_changelog_and_guides_are_published(site: Path) -> None:
    for name in ("check", "audit", "ci", "har", "explain"):
        assert (site / "schemas" / f"{name}.schema.json").read_bytes() == (
            REPO / "docs/schemas" / f"{name}.schema.json"
        ).read_bytes()
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert "What changed for users" in changelog and f">{cors_doctor.__version__}</a>" in changelog
    for guide in ("ci", "audit", "explain", "har", "frameworks/go", "frameworks/spring"):
        assert (site / guide / "index.html").is_file(), guide


def test_api_reference_documents_every_public_name(site: Path) -> None:
    html = (site / "api" / "index.html").read_text(encoding="utf-8")
    public = [n for n in cors_doctor.__all__ if n != "__version__"]
    missing = [n for n in public if f'id="cors_doctor.{n}"' not in html]
    assert not missing
    assert "Validate the request like fetch() does" in html  # docstrings, not just names


@pytest.mark.parametrize("damage", ["orphan", "broken-link"])
def test_strict_build_refuses_orphans_and_broken_links(tmp_path: Path, damage: str) -> None:
    root = copy_of_docs(tmp_path)
    if damage == "orphan":
        (root / "docs" / "orphan.md").write_text("# Not in the navigation\n", encoding="utf-8")
    else:
        page = root / "docs" / "ci.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nSee [gone](no-such-page.md).\n", encoding="utf-8")
    result = build(root, tmp_path / "site")
    assert result.returncode != 0
    assert ("orphan.md" if damage == "orphan" else "no-such-page.md") in result.stderr
