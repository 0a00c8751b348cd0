"""Where cors-doctor's documentation lives, so findings can point installed users at a page.

The docs site is built from docs/ by mkdocs (mkdocs.yml has the same `site_url`); a finding code
CD301 has its page at rules/CD301/ there. A test keeps both in step.
"""

from __future__ import annotations

DOCS_URL = "https://cors-doctor.readthedocs.io/en/latest/"


def docs_page(path: str) -> str:
    """The site address of a docs/ page given as `rules/CD301.md` or `ci.md`."""
    stem = path.removesuffix(".md")
    if stem in ("index", "README") or stem.endswith(("/README", "/index")):
        stem = stem.rpartition("/")[0] if "/" in stem else ""
    return DOCS_URL + (f"{stem}/" if stem else "")


def rule_url(code: str) -> str:
    """The page that explains a finding code, e.g. .../rules/CD301/."""
    return docs_page(f"rules/{code}.md")
