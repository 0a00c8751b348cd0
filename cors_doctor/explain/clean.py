"""Clean pasted console text for `cors-doctor explain`: what is a message line, and what is noise.

Consoles and the people copying from them add log levels, timestamps, source links, stack lines,
the JavaScript TypeError and Chrome's `net::ERR_FAILED` companion line; quotes turn typographic.
This keeps the message lines (and whether each line break fell on a space, for wrapped lines),
and sets the companion lines and the JavaScript errors aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cors_doctor.explain.patterns import normalise_text

_LEVEL = re.compile(r"^(?:\[(?:error|warning|warn|log|info|debug)\]\s*|[\u274c\u26d4\u2716\u26a0\ufe0f]+\s*)+", re.I)
_UNCAUGHT = re.compile(r"^Uncaught(?: \(in promise\))?\s*")
_TIMESTAMP = re.compile(r"^\[?\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?\]?\s+")
_SOURCE_BEFORE = re.compile(r"^(?:\(index\)|\S+?):\d+(?::\d+)?\s+(?=\S)")
_SOURCE_AFTER = re.compile(r"(?<=[.)'\"])\s+(?:\(index\)|[\w.\-/%~@?=&:]+?):\d+(?::\d+)?$")
_SAFARI_SOURCE = re.compile(r"\s*\([^()]*, line \d+\)$")
_NET_LINE = re.compile(
    r"^(?:(?P<method>[A-Za-z]+) (?P<url>\S+) )?(?P<error>net::ERR_[A-Z0-9_]+)"
    r"(?: (?P<status>\d{3})(?: \([^)]*\))?)?$"
)
_RESOURCE_FAILED = re.compile(r"^Failed to load resource: (?P<rest>.*)$")
_SERVER_STATUS = re.compile(r"^the server responded with a status of (?P<status>\d{3})")
_JS_ERROR = re.compile(
    r"^(?:\w*Error:\s*)?(?:Failed to fetch|NetworkError when attempting to fetch resource|"
    r"Load failed|Network Error|XMLHttpRequest error)\b",
    re.I,
)
_STACK = re.compile(r"^(?:at\s|async\s|\S*@\S+:\d+(?::\d+)?$|\(anonymous\)|Promise\.then)")


@dataclass(frozen=True)
class Line:
    """One cleaned line; `spaced`: the line break before it was at a space (so it joins with one)."""

    text: str
    spaced: bool = False


@dataclass(frozen=True)
class NetLine:
    """Chrome's companion line: `PUT https://api/x net::ERR_FAILED 500 (...)` or `Failed to load resource: ...`."""

    method: str | None
    url: str | None
    error: str
    status: int | None
    text: str


def clean(text: str) -> tuple[list[Line], list[NetLine], list[str]]:
    """Message lines, the net::ERR companion lines, and the JavaScript errors found in pasted text."""
    lines: list[Line] = []
    net: list[NetLine] = []
    js: list[str] = []
    ended_with_space = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        spaced = ended_with_space or raw[:1].isspace()
        ended_with_space = raw[-1:].isspace() or not raw
        line = normalise_text(raw)
        for pattern in (_TIMESTAMP, _LEVEL, _UNCAUGHT, _SOURCE_BEFORE):
            line = pattern.sub("", line, count=1)
        line = _SAFARI_SOURCE.sub("", _SOURCE_AFTER.sub("", line)).strip()
        if not line or _STACK.match(line):
            continue
        failed = _RESOURCE_FAILED.match(line)
        if failed:
            rest = failed.group("rest")
            status = _SERVER_STATUS.match(rest)
            if status or rest.startswith("net::"):
                net.append(
                    NetLine(
                        None,
                        None,
                        rest.split(" ")[0] if not status else "",
                        int(status.group("status")) if status else None,
                        line,
                    )
                )
                continue
            line = rest  # Safari repeats its reason after "Failed to load resource:"
        m = _NET_LINE.match(line)
        if m:
            net.append(
                NetLine(
                    m["method"] and m["method"].upper(),
                    m["url"],
                    m["error"],
                    int(m["status"]) if m["status"] else None,
                    line,
                )
            )
            continue
        if _JS_ERROR.match(line):
            js.append(line)
            continue
        lines.append(Line(line, spaced))
    return lines, net, js
