"""Applications checked in-process: found by import string as uvicorn finds them ("main:app",
"pkg.web:api.app"), and the URL a bare path gets on them.

Used by `cors-doctor check --app`, `app = "main:app"` in a `ci` policy, and the Python API.
`app_dir` is put first on sys.path (uvicorn's --app-dir, default the current directory).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from cors_doctor.errors import UsageError

# The host of an application checked in-process when only a path is given (as test clients name it).
APP_HOST = "testserver"


def app_url(path: str, origin: str) -> str:
    """The URL of `path` on an application checked in-process: on APP_HOST, with the scheme of
    the page's origin (an https page calling http would be blocked as mixed content before any
    request, which is not what a test of the application's CORS means)."""
    scheme = "https" if origin.strip().lower().startswith("https:") else "http"
    return f"{scheme}://{APP_HOST}{path}"


def check_import_string(import_string: str, flag: str = "--app") -> tuple[str, str]:
    module_name, _, attribute = import_string.partition(":")
    if not module_name or not attribute:
        raise UsageError(f'{flag} {import_string!r} must be "module:attribute", e.g. "main:app"')
    return module_name, attribute


def import_app(import_string: str, app_dir: str = ".") -> Any:
    """The object `import_string` names; a UsageError saying what is missing otherwise."""
    module_name, attribute = check_import_string(import_string)
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
