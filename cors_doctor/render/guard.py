"""The last line of defence: stdout and stderr pass only the terminal controls cors-doctor writes.

Every renderer escapes foreign text itself (render/escape.py), so a report reads well. This
stream wrapper makes the promise hold for output nobody thought of: whatever reaches the
terminal through `sys.stdout` or `sys.stderr` while a command runs may contain colour (SGR)
sequences and, on stderr, the cursor controls of the progress bar — nothing else. Any other
escape sequence, C0 or C1 control, DEL or bidirectional control is written as a `\\uXXXX`
escape: readable on a terminal, and the same character again inside a JSON string, so
`--json` output stays valid and means the same.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# Characters a server could use to steer a terminal: C0 except TAB and LF, DEL, C1, and the
# bidirectional marks, embeddings, overrides and isolates; lone surrogates (undecodable input
# bytes that an error handler would write back raw).
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_SGR = "\x1b\\[[0-9;]*m"
# Rich's progress display: carriage return, hide/show cursor, erase line, cursor up.
_PROGRESS = "\r|\x1b\\[\\?25[lh]|\x1b\\[[0-9]*[AK]"
_STDOUT = re.compile(f"({_SGR})|{_UNSAFE}")
_STDERR = re.compile(f"({_SGR}|{_PROGRESS})|{_UNSAFE}")


def _keep_or_escape(match: re.Match[str]) -> str:
    return match.group() if match.group(1) else f"\\u{ord(match.group()):04x}"


def neutralise(text: str, *, progress: bool = False) -> str:
    """`text` with every control the tool does not write itself shown as a `\\uXXXX` escape."""
    return (_STDERR if progress else _STDOUT).sub(_keep_or_escape, text)


class GuardedStream:
    """A text stream that neutralises what it writes and otherwise behaves like the one it wraps."""

    def __init__(self, stream: TextIO, *, progress: bool = False) -> None:
        self._stream = stream
        self._progress = progress

    def write(self, text: str) -> int:
        self._stream.write(neutralise(text, progress=self._progress))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, flush, encoding, ... of the real stream
        return getattr(self._stream, name)


def guarded(stream: TextIO, *, progress: bool = False) -> TextIO:
    if isinstance(stream, GuardedStream):
        return stream
    return GuardedStream(stream, progress=progress)  # type: ignore[return-value]
