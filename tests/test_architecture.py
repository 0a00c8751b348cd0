"""The layers point one way. Read from the code: every import, at module level or inside functions.

    cli → render → (features, pipeline, batch) → net / diagnosis / fixes → rules → model

A failure here names the import that breaks the shape; docs/design.md ("Layout") says why the
shape is what it is.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cors_doctor"
CORE = ("cors_doctor.model", "cors_doctor.origin", "cors_doctor.plan", "cors_doctor.evaluate", "cors_doctor.rules")
HTTP_LIBRARIES = ("httpx", "httpcore", "h11", "h2", "aiohttp", "yarl")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports() -> dict[str, list[tuple[str, str]]]:
    """module -> [(imported module, imported name or "")], every import statement anywhere."""
    modules = _modules()
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found[module] += [(alias.name, "") for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, path, node)
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    found[module].append((submodule, "") if submodule in modules else (target, alias.name))
    return found


def _within(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _internal_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, imports in _imports().items():
        for target, _ in imports:
            if target in modules and target != module:
                graph[module].add(target)
    return graph


def test_there_is_no_import_cycle():
    graph = _internal_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_private_name_is_imported_across_modules():
    bad = [
        f"{module} imports {name} from {target}"
        for module, imports in _imports().items()
        for target, name in imports
        if name.startswith("_") and not name.startswith("__") and target.startswith("cors_doctor")
    ]
    assert not bad, "\n".join(bad)


def test_private_modules_are_used_only_inside_their_package():
    bad = []
    for module, imports in _imports().items():
        for target, _ in imports:
            parts = target.split(".")
            private = [i for i, part in enumerate(parts) if part.startswith("_") and not part.startswith("__")]
            if target.startswith("cors_doctor") and private:
                owner = ".".join(parts[: private[0]])
                if not _within(module, owner):
                    bad.append(f"{module} imports {target}")
    assert not bad, "\n".join(bad)


def test_the_core_imports_neither_the_network_nor_render_nor_the_cli():
    outer = ("cors_doctor.net", "cors_doctor.render", "cors_doctor.cli", "cors_doctor.pipeline", "cors_doctor.batch")
    bad = [
        f"{module} imports {target}"
        for module, imports in _imports().items()
        if _within(module, CORE)
        for target, _ in imports
        if _within(target, outer)
    ]
    assert not bad, "\n".join(bad)


def test_http_libraries_are_imported_only_in_the_network_layer():
    bad = [
        f"{module} imports {target}"
        for module, imports in _imports().items()
        if not _within(module, "cors_doctor.net")
        for target, _ in imports
        if _within(target, HTTP_LIBRARIES)
    ]
    assert not bad, "\n".join(bad)


def test_render_is_imported_only_by_the_cli():
    # cors_doctor.api is the library's public face: str(verdict) is the CLI's text, drawn by the
    # CLI's renderer (docs/api.md), so it is the one module outside the CLI that may import render.
    allowed = ("cors_doctor.cli", "cors_doctor.render", "cors_doctor.api")
    bad = [
        f"{module} imports {target}"
        for module, imports in _imports().items()
        if not _within(module, allowed)
        for target, _ in imports
        if _within(target, "cors_doctor.render")
    ]
    assert not bad, "\n".join(bad)


def test_only_the_cli_imports_typer():
    bad = [
        f"{module} imports {target}"
        for module, imports in _imports().items()
        if not _within(module, "cors_doctor.cli")
        for target, _ in imports
        if _within(target, ("typer", "click"))
    ]
    assert not bad, "\n".join(bad)


def test_the_walk_sees_real_imports():
    """Guard against a walker that finds nothing and so passes everything."""
    imports = _imports()
    assert ("cors_doctor.pipeline", "") in [(t, "") for t, _ in imports["cors_doctor.cli.commands.check"]]
    assert any(_within(t, "httpx") for t, _ in imports["cors_doctor.net._wire"])
    assert _internal_graph()["cors_doctor.evaluate"] >= {"cors_doctor.model", "cors_doctor.plan"}
