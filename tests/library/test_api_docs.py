"""docs/api.md's examples run as written, in order, in one namespace (the ```python blocks)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_python_example_runs(capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/api.md example {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "ALLOWED — Chrome lets page script read this response." in printed
    assert "Access to fetch at 'https://testserver/me' from origin 'https://evil.example'" in printed
