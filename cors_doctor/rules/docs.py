"""Write docs/rules/CODE.md for every code in the catalog: `python -m cors_doctor.rules.docs`.

The catalog is the single source; a test fails when a page is missing or out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cors_doctor.rules.catalog import RULES, Rule

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "rules"


def _block(text: str) -> str:
    return f"```\n{text}\n```\n" if text else "(not applicable)\n"


def render_page(rule: Rule) -> str:
    """The Markdown page for one finding code (audit codes read as security findings)."""
    audit = rule.code.startswith("CD7")
    why = "Impact" if audit else "Why the browser cares"
    failing = "An exploitable exchange" if audit else "A failing exchange"
    run = (
        "Run `cors-doctor check URL --origin ORIGIN --credentials` to see, for every cookie the server sets "
        "(and every --cookie), whether the browser stores it and sends it back, and the change for your framework."
        if rule.code.startswith("CD8")
        else "Run `cors-doctor audit URL --origin TRUSTED` to probe for this finding with forged origins."
        if audit
        else "Run `cors-doctor check URL --origin ORIGIN` to see this finding with the values your server sent "
        "and a fix for your framework."
    )
    return (
        f"# {rule.code} {rule.name}: {rule.title}\n\n"
        f"Severity: **{rule.severity}** · Rule book: `{rule.ref}`\n\n"
        f"## What it means\n\n{rule.meaning}\n\n"
        f"## {why}\n\n{rule.why}\n\n"
        f"## {failing}\n\n{_block(rule.failing)}\n"
        f"## The fix\n\n{_block(rule.fixed)}\n"
        f"{run}\n"
    )


def render_index() -> str:
    rows = "\n".join(f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity} | {r.title} |" for r in RULES.values())
    return (
        "# Finding codes\n\nEvery finding cors-doctor reports has a stable code. "
        "CD1xx planning the request, CD2xx the preflight, CD3xx the CORS check on any reply, "
        "CD4xx redirects, CD5xx the readable response and caching, CD6xx framework pitfalls, "
        "CD7xx security audit, CD8xx cookies.\n\n| code | name | severity | title |\n|---|---|---|---|\n" + rows + "\n"
    )


def expected_files() -> dict[Path, str]:
    files = {DOCS_DIR / f"{code}.md": render_page(rule) for code, rule in RULES.items()}
    files[DOCS_DIR / "README.md"] = render_index()
    return files


def main() -> int:
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in expected_files().items():
        path.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {len(RULES)} rule pages to {DOCS_DIR}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
