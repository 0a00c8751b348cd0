"""Validators for the machine-readable outputs: the official SARIF 2.1.0 schema (vendored as
test data, tests/data/sarif-schema-2.1.0.json) and cors-doctor's own schemas in docs/schemas/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SARIF_SCHEMA_FILE = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
SCHEMAS_DIR = REPO / "docs" / "schemas"


def _local_registry():
    """Every schema of docs/schemas/ under its $id, so references between them never leave the disk."""
    from referencing import Registry, Resource

    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator_for(schema_file: Path):
    import jsonschema

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER, registry=_local_registry())


def assert_valid(validator, document: Any) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture(scope="session")
def sarif_valid() -> Callable[[Any], None]:
    """Assert that a document is a valid SARIF 2.1.0 log (the OASIS schema, errata 01)."""
    validator = validator_for(SARIF_SCHEMA_FILE)
    return lambda document: assert_valid(validator, document)


@pytest.fixture(scope="session")
def schema_valid() -> Callable[[str, Any], None]:
    """`schema_valid("audit", doc)` asserts doc matches docs/schemas/audit.schema.json."""
    cache: dict[str, Any] = {}

    def check(name: str, document: Any) -> None:
        if name not in cache:
            cache[name] = validator_for(SCHEMAS_DIR / f"{name}.schema.json")
        assert_valid(cache[name], document)

    return check
