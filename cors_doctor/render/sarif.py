"""SARIF 2.1.0, the parts `audit` and `ci` share: the log envelope, the tool and rule descriptors.

SARIF is what code-scanning UIs (GitHub code scanning and others) read. The per-command logs are
in render/audit/sarif.py and render/ci/sarif.py.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cors_doctor.links import DOCS_URL, rule_url

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "corsDoctor/v1"

CHECK_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def tool(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The `tool` object of a run: cors-doctor, its version and the rules its results refer to."""
    from cors_doctor import __version__

    return {
        "driver": {
            "name": "cors-doctor",
            "semanticVersion": __version__,
            "version": __version__,
            "informationUri": DOCS_URL,
            "rules": rules,
        }
    }


def fingerprint(*parts: str) -> str:
    """A stable identity for a result, so code scanning tracks one alert across runs."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def rule_descriptor(code: str) -> dict[str, Any]:
    """The reportingDescriptor of a finding code, from the rule catalog."""
    from cors_doctor.rules.catalog import RULES

    rule = RULES.get(code)
    if rule is None:
        return {"id": code, "helpUri": rule_url(code)}
    audit = code.startswith("CD7")
    tags = ["security", "cors"] if audit else ["cors"]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.meaning},
        "help": {
            "text": f"{rule.meaning}\n\n{rule.why}\n\nSee {rule_url(code)}",
            "markdown": f"{rule.meaning}\n\n{rule.why}\n\n[{code} on the docs site]({rule_url(code)})",
        },
        "helpUri": rule_url(code),
        "defaultConfiguration": {"level": CHECK_LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": tags, "precision": "high"},
    }
