"""Foreign text made harmless for a terminal, for Rich, for Markdown and for HTML.

Everything cors-doctor prints that it did not write itself — a server's header values, reason
phrase and body, a HAR's URLs and fields, a pasted console message, a policy file's names — goes
through here before it reaches the user. A hostile server must not be able to set the window
title (OSC 0), write the clipboard (OSC 52), plant a link (OSC 8), move the cursor or clear the
screen, nor reverse the order of what is shown (bidirectional overrides).

`visible` shows such characters instead of obeying them: ESC becomes `\\x1b`, the other C0 and C1
controls and DEL their `\\xNN` escape, bidirectional controls their `\\u202e` escape. Tab stays a
tab and a newline stays a newline only where the caller allows it.
"""

from __future__ import annotations

import re

# C0 controls except TAB and LF, DEL, C1 controls; the bidirectional embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069) and the marks that steer them (U+200E, U+200F, U+061C);
# lone surrogates, which is how undecodable input bytes arrive and would be written back raw.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEP_NEWLINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control and bidirectional character shown as an escape."""
    pattern = _UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE
    return pattern.sub(_escape_char, text)


def markup(text: str, *, keep_newlines: bool = False) -> str:
    """Foreign text for a Rich markup string: controls made visible, then `[` escaped."""
    from rich.markup import escape

    return escape(visible(text, keep_newlines=keep_newlines))


def markdown(text: str) -> str:
    """Foreign text inside Markdown (GitHub's step summary, reports): shown literally.

    Controls are made visible, HTML-relevant characters become entities, and every Markdown
    punctuation character is backslash-escaped, so `</details>`, `<img ...>`, `|` in a table and
    `@mentions` print as text and change nothing around them."""
    text = visible(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]()#+\-!|~@])", r"\\\1", text)
