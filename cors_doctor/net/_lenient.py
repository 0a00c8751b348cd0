"""Reply heads as Chromium reads them, for h11: `Name : value` becomes `Name: value`.

Chromium reads a header line with whitespace before the colon as the header `Name`; h11 rejects
the whole reply. cors-doctor judges what the browser sees, so the bytes of a reply head are
normalised on their way from the socket to h11, on cors-doctor's own connections only: h11
itself is left as it is for everyone else in the process. Only header lines of a reply head are
touched (never a status line, a body or an HTTP/2 frame), and only that whitespace.
"""

from __future__ import annotations

import re

_SPACE_BEFORE_COLON = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+:")


class LenientHead:
    """Tracks one HTTP/1.1 connection: after each request, the reply head up to its blank line
    is passed on line by line (an incomplete line waits for the next read), normalised."""

    def __init__(self) -> None:
        self.in_head = False
        self.status_line_next = False
        self.interim = False
        self.pending = b""
        self.enabled = True

    def request_sent(self) -> None:
        if self.enabled and not self.in_head:
            self.in_head, self.status_line_next, self.pending = True, True, b""

    def feed(self, data: bytes) -> bytes:
        """The bytes h11 may see now; b"" for non-empty `data` means "read more" (an incomplete line)."""
        if not self.in_head:
            return data
        if not data:  # the peer closed: whatever was held back goes to h11 as it is
            rest, self.pending, self.in_head = self.pending, b"", False
            return rest
        buffer = self.pending + data
        out = bytearray()
        start = 0
        while self.in_head:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            line = buffer[start : end + 1]
            start = end + 1
            out += self._line(line)
        rest = buffer[start:]
        if self.in_head:
            self.pending = rest
        else:
            out += rest
            self.pending = b""
        return bytes(out)

    def _line(self, line: bytes) -> bytes:
        if self.status_line_next:
            self.status_line_next = False
            self.interim = line[9:10] == b"1"  # "HTTP/1.1 1xx": another head follows
            return line
        if line in (b"\r\n", b"\n"):
            if self.interim:
                self.status_line_next = True
            else:
                self.in_head = False
            return line
        return _SPACE_BEFORE_COLON.sub(rb"\1:", line, count=1)
