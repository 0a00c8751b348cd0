"""The three loopback origins a conformance run uses, and port-independent text.

Ports are random, so anything recorded (console messages, request headers, Location values)
is stored with placeholders and filled in again for the ports of the current run:

    {page}  http://localhost:PA   the origin that serves the page running fetch()
    {api}   http://127.0.0.1:PB   the API the page calls (every case starts here)
    {third} http://127.0.0.1:PC   a third origin, target of cross-origin redirects
    {page_port} {api_port} {third_port}   the bare port numbers
    {case}  /c/<case-id>          the path prefix owned by one case (filled only when serving)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = ("page", "api", "third")


@dataclass(frozen=True)
class Origins:
    """Ports of one run, with helpers to fill and mask placeholders."""

    page_port: int
    api_port: int
    third_port: int

    @property
    def page(self) -> str:
        return f"http://localhost:{self.page_port}"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def third(self) -> str:
        return f"http://127.0.0.1:{self.third_port}"

    def _table(self) -> dict[str, str]:
        return {
            "{page}": self.page,
            "{api}": self.api,
            "{third}": self.third,
            "{page_port}": str(self.page_port),
            "{api_port}": str(self.api_port),
            "{third_port}": str(self.third_port),
        }

    def fill(self, text: str, case_id: str | None = None) -> str:
        """Replace placeholders with this run's values (only the known ones; other braces stay)."""
        if case_id is not None:
            text = text.replace("{case}", f"/c/{case_id}")
        for key, value in self._table().items():
            text = text.replace(key, value)
        return text

    def mask(self, text: str) -> str:
        """Inverse of fill: turn this run's origins and ports back into placeholders."""
        for key in ("{page}", "{api}", "{third}"):
            origin = self._table()[key]
            text = re.sub(re.escape(origin) + r"(?!\d)", key, text)
        for key in ("{page_port}", "{api_port}", "{third_port}"):
            port = self._table()[key]
            text = re.sub(r"(?<=:)" + port + r"(?!\d)", key, text)
        return text

    def fill_deep(self, value):
        """fill() applied to every string inside lists/dicts (for stored fixture records)."""
        if isinstance(value, str):
            return self.fill(value)
        if isinstance(value, list):
            return [self.fill_deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill_deep(v) for k, v in value.items()}
        return value

    def mask_deep(self, value):
        """mask() applied to every string inside lists/dicts."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, list):
            return [self.mask_deep(v) for v in value]
        if isinstance(value, dict):
            return {k: self.mask_deep(v) for k, v in value.items()}
        return value
