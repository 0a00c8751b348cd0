"""Every finding code has its docs page, generated from the catalog and up to date."""

import re
from pathlib import Path

from cors_doctor.rules import docs as _docs
from cors_doctor.rules.catalog import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_has_an_up_to_date_page():
    stale = [
        str(path.relative_to(ROOT))
        for path, text in _docs.expected_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m cors_doctor.rules.docs` to regenerate: {stale}"


def test_no_page_without_a_code():
    pages = {p.stem for p in _docs.DOCS_DIR.glob("CD*.md")}
    assert pages == set(RULES)


def test_codes_are_well_formed_and_unique_names():
    assert all(re.fullmatch(r"CD[1-9]\d\d", code) for code in RULES)
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_every_code_used_in_the_package_is_in_the_catalog():
    used = set()
    for path in (ROOT / "cors_doctor").rglob("*.py"):
        used |= set(re.findall(r'"(CD\d{3})"', path.read_text(encoding="utf-8")))
    assert used <= set(RULES), sorted(used - set(RULES))


def test_every_page_has_a_failing_and_a_fixed_example():
    missing = [code for code, r in RULES.items() if not (r.failing.strip() and r.fixed.strip())]
    assert not missing
