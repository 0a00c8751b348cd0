"""Dependencies fit users' environments: every import declared, nothing declared unused, nothing
private imported from typer, and no upper cap without a measured reason written next to it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "cors_doctor"
PYPROJECT = REPO / "pyproject.toml"


def imported_modules() -> dict[str, set[str]]:
    """Top-level module name -> files of cors_doctor importing it (with every dotted name seen)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


def declared(extra: str | None = None) -> dict[str, str]:
    """Normalized distribution name -> requirement text, of the dependencies or one extra."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {normalize(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]): r for r in requirements}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def third_party() -> dict[str, set[str]]:
    """Distribution -> top-level modules of it that cors_doctor imports."""
    owners = packages_distributions()
    out: dict[str, set[str]] = {}
    for name in imported_modules():
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top == "cors_doctor":
            continue
        for dist in owners.get(top, [top]):
            out.setdefault(normalize(dist), set()).add(top)
    return out


def test_every_import_is_declared() -> None:
    allowed = declared() | declared("http2") | declared("pytest")
    missing = {dist: mods for dist, mods in third_party().items() if dist not in allowed}
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_nothing_declared_is_unused() -> None:
    used = third_party()
    unused = [req for dist, req in declared().items() if dist not in used]
    assert not unused, f"declared but never imported by cors_doctor: {unused}"


def test_nothing_private_is_imported_from_typer() -> None:
    private = {
        name: files
        for name, files in imported_modules().items()
        if name.startswith("typer.") and any(part.startswith("_") for part in name.split(".")[1:])
    }
    assert not private, private


def test_upper_caps_carry_a_measured_reason() -> None:
    lines = PYPROJECT.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r'\s*"[A-Za-z0-9_.\[\]-]+[^"]*<[0-9]', line):
            reason = "\n".join(lines[max(0, number - 4) : number + 1])
            assert "measured" in reason.lower() and re.search(r"\d+ ms", reason), (
                f"cap without a measured reason: {line}"
            )
