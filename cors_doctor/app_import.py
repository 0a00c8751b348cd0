"""Find an application by its import string, as uvicorn does: "main:app", "pkg.web:api.app".

Used by `cors-doctor check --app` to check an application without serving it. `app_dir` is put
first on sys.path (uvicorn's --app-dir, default the current directory).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from cors_doctor.errors import UsageError


def import_app(import_string: str, app_dir: str = ".") -> Any:
    """The object `import_string` names; a UsageError saying what is missing otherwise."""
    module_name, _, attribute = import_string.partition(":")
    if not module_name or not attribute:
        raise UsageError(f'--app {import_string!r} must be "module:attribute", e.g. "main:app"')
    directory = os.path.abspath(app_dir)
    if not os.path.isdir(directory):
        raise UsageError(f"--app-dir {app_dir!r} is not a directory")
    if directory not in sys.path:
        sys.path.insert(0, directory)
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UsageError(f"--app: no module {module_name!r} in {directory} or on sys.path") from None
        raise UsageError(f"--app: importing {module_name!r} failed: {exc}") from None
    except Exception as exc:  # noqa: BLE001 (the user's module failed to import: one line, exit 2)
        raise UsageError(f"--app: importing {module_name!r} failed: {type(exc).__name__}: {exc}") from None
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise UsageError(f"--app: {module_name!r} has no attribute {attribute!r}") from None
    if not callable(target):
        raise UsageError(f"--app: {import_string!r} is not an ASGI or WSGI application (not callable)")
    return target
