"""Validate policy files offline: `python -m cors_doctor.ci.validate FILE...` (the pre-commit hook).

Every file is parsed and checked exactly as `cors-doctor ci` checks it before sending anything;
no request is sent and no name is resolved. Problems go to stderr as `cors-doctor: error: FILE:LINE:
...`, one a line; the exit code is 0 when every file is valid and 2 otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_VALID, EXIT_INVALID = 0, 2


def problems_in(path: str) -> list[str]:
    """Every problem of one policy file (none when it is valid)."""
    from cors_doctor.ci import PolicyError, load_policy
    from cors_doctor.errors import UsageError

    try:
        load_policy(path)
    except PolicyError as exc:
        return list(exc.problems)
    except UsageError as exc:
        return [str(exc)]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    files = list(sys.argv[1:] if argv is None else argv)
    if not files:
        sys.stderr.write("cors-doctor: error: give the policy files to validate, e.g. cors-policy.toml\n")
        return EXIT_INVALID
    found = [problem for path in files for problem in problems_in(path)]
    for problem in found:
        sys.stderr.write(f"cors-doctor: error: {problem}\n")
    return EXIT_INVALID if found else EXIT_VALID


if __name__ == "__main__":
    raise SystemExit(main())
