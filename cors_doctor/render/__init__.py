"""Output formats: the leaf layer, imported by the CLI only. Nothing here decides anything.

One subpackage per command (check, explain, har, audit, ci), each with the formats it prints.
Everything that came from outside (a server's headers, a HAR, pasted text, a policy file) is data:
it is escaped here, at the render boundary, never earlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cors_doctor.masking import MASK, SECRET_HEADERS, mask_headers, mask_value

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["MASK", "SECRET_HEADERS", "make_console", "mask_headers", "mask_value"]


def make_console(no_color: bool = False, stderr: bool = False) -> Console:
    from rich.console import Console

    # soft_wrap: long URLs, commands and fixes stay on one line, so they can be copied and pasted.
    return Console(no_color=no_color or None, stderr=stderr, highlight=False, soft_wrap=True)
