"""Read a HAR file's `log.entries` one entry at a time, in bounded memory.

A HAR export can be hundreds of megabytes; `json.load` would hold it in memory several times
over. This reader walks the outer JSON structure itself and hands each entry to the C JSON
decoder, so memory holds one read chunk plus the entry being decoded, however long the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from cors_doctor.errors import UsageError

CHUNK = 1 << 20
MAX_VALUE = 256 << 20  # one entry (with an embedded body) larger than this is refused
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


class HarError(UsageError):
    """The HAR file is not valid JSON or not shaped like a HAR; the message says what and where."""


class HarReader:
    """Streams `log.entries`; `pages`, `creator` and `browser` are filled as they are read."""

    def __init__(self, stream: BinaryIO, name: str, chunk: int = CHUNK) -> None:
        self._stream = stream
        self.name = name
        self._chunk = chunk
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._buf = ""
        self._pos = 0
        self._base = 0  # byte offset of _buf[0] in the file
        self._eof = False
        self._entry: int | None = None  # index of the entry being read, for error messages
        self.pages: list[dict[str, Any]] = []
        self.creator: dict[str, Any] = {}
        self.browser: dict[str, Any] = {}
        self.entries_seen = False

    # -- low level ---------------------------------------------------------------------------

    def _offset(self, pos: int | None = None) -> int:
        return self._base + len(self._buf[: self._pos if pos is None else pos].encode("utf-8"))

    def _where(self, pos: int | None = None) -> str:
        entry = f"log.entries[{self._entry}], " if self._entry is not None else ""
        return f"{entry}byte {self._offset(pos)}"

    def _fail(self, what: str, pos: int | None = None) -> HarError:
        return HarError(f"{self.name}: {what} at {self._where(pos)}")

    def _fill(self, size: int) -> bool:
        """Read about `size` more bytes; False at the end of the file."""
        if self._eof:
            return False
        if self._pos > len(self._buf) // 2:  # drop what has been consumed
            self._base += len(self._buf[: self._pos].encode("utf-8"))
            self._buf = self._buf[self._pos :]
            self._pos = 0
        data = self._stream.read(size)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise HarError(f"{self.name} is not UTF-8 text (byte {self._offset(len(self._buf)) + exc.start})") from None
        if self._base == 0 and not self._buf and text.startswith("\ufeff"):
            text, self._base = text[1:], 3
        self._buf += text
        if not data:
            self._eof = True
        return bool(data)

    def _skip_ws(self) -> str:
        """Skip whitespace; the next character, or '' at the end of the file."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill(self._chunk):
                return ""

    def _expect(self, chars: str, what: str) -> str:
        ch = self._skip_ws()
        if ch == "":
            raise self._fail(f"the file ends early (truncated?) where {what} was expected")
        if ch not in chars:
            raise self._fail(f"expected {what} but found {ch!r}")
        self._pos += 1
        return ch

    def _value(self) -> Any:
        """Decode the JSON value at the current position, reading more of the file as needed."""
        if self._skip_ws() == "":
            raise self._fail("the file ends early (truncated?) where a value was expected")
        want = self._chunk
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except RecursionError:
                # Python's decoder recurses once per nesting level; a HAR never nests this deep.
                raise self._fail("a value nested too deeply (thousands of levels of [ or {)") from None
            except json.JSONDecodeError as exc:
                if self._eof or not self._maybe_cut(exc):
                    if self._eof and self._at_end(exc):
                        raise self._fail("the file ends in the middle of a value (truncated?)") from None
                    raise self._fail(f"invalid JSON ({exc.msg})", exc.pos) from None
            else:
                if end < len(self._buf) or self._eof or not isinstance(value, (int, float)):
                    self._pos = end
                    return value
            if len(self._buf) - self._pos > MAX_VALUE:
                raise self._fail(f"a value larger than {MAX_VALUE >> 20} MB (or a string that never ends)")
            self._fill(want)
            want = min(want * 2, 64 << 20)

    def _maybe_cut(self, exc: json.JSONDecodeError) -> bool:
        """Could this error be the end of the buffer rather than bad JSON?"""
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self._buf) - 16

    def _at_end(self, exc: json.JSONDecodeError) -> bool:
        """At the end of the file: did the value stop because the text ran out?"""
        return exc.msg.startswith("Unterminated string") or not self._buf[exc.pos :].strip()

    # -- structure ---------------------------------------------------------------------------

    def _object_keys(self, what: str) -> Iterator[str]:
        """Yield each key of the object at the current position; after each yield the caller must
        have consumed the key's value. Stops after the closing brace."""
        self._expect("{", f"'{{' opening {what}")
        if self._skip_ws() == "}":
            self._pos += 1
            return
        while True:
            if self._skip_ws() != '"':
                raise self._fail(f"expected a key (a string) in {what}")
            key = self._value()
            self._expect(":", f"':' after the key {key!r} in {what}")
            yield key
            if self._expect(",}", f"',' or '}}' after the value of {key!r} in {what}") == "}":
                return

    def entries(self) -> Iterator[tuple[int, Any]]:
        """(index, entry) for every item of log.entries, in file order."""
        first = self._skip_ws()
        if first == "":
            raise HarError(f"{self.name} is empty")
        if first != "{":
            raise HarError(f"{self.name} is not a HAR file: it does not start with a JSON object")
        seen_log = False
        for key in self._object_keys("the HAR file"):
            if key != "log":
                self._value()
                continue
            seen_log = True
            if self._skip_ws() != "{":
                raise self._fail("'log' is not an object")
            yield from self._log()
        if not seen_log:
            raise HarError(f"{self.name} is not a HAR file: the top-level object has no 'log'")
        if self._skip_ws() != "":
            raise self._fail("unexpected text after the end of the HAR object")

    def _log(self) -> Iterator[tuple[int, Any]]:
        for key in self._object_keys("log"):
            if key == "entries":
                if self._skip_ws() != "[":
                    raise self._fail("log.entries is not an array")
                self.entries_seen = True
                yield from self._entries()
            elif key in ("pages", "creator", "browser"):
                value = self._value()
                if key == "pages":
                    if not isinstance(value, list):
                        raise self._fail("log.pages is not an array")
                    self.pages = [p for p in value if isinstance(p, dict)]
                elif isinstance(value, dict):
                    setattr(self, key, value)
            else:
                self._value()
        if not self.entries_seen:
            raise HarError(f"{self.name} is not a HAR file: 'log' has no 'entries' array")

    def _entries(self) -> Iterator[tuple[int, Any]]:
        self._pos += 1  # the '['
        if self._skip_ws() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            self._entry = index
            entry = self._value()
            yield index, entry
            index += 1
            closing = self._expect(",]", "',' or ']' after an entry")
            self._entry = None
            if closing == "]":
                return
