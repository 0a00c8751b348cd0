"""A `cors-doctor check` command line as data: one source for the printed command and for running it.

`explain` and `har` both end with "this is the check that reproduces it"; building the shell text
and the RequestSpec from the same fields keeps what is printed and what is run identical.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from cors_doctor.masking import mask_value
from cors_doctor.model import Headers, RequestSpec

ORIGIN_PLACEHOLDER = "PAGE_ORIGIN"


@dataclass(frozen=True)
class CheckArgs:
    """`cors-doctor check URL --origin ORIGIN [--method M] [--header 'N: v'] [--credentials] ...`."""

    url: str
    origin: str | None
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    actual: bool = False
    browser: str = "chrome"
    data: str | None = None
    client: str = "fetch"  # "xhr" when the message came from XMLHttpRequest

    def argv(self, show_secrets: bool = True) -> list[str]:
        args = ["cors-doctor", "check", self.url, "--origin", self.origin or ORIGIN_PLACEHOLDER]
        if self.method != "GET":
            args += ["--method", self.method]
        for name, value in self.headers:
            args += ["--header", f"{name}: {value if show_secrets else mask_value(name, value)}"]
        if self.credentials:
            args.append("--credentials")
        if self.data is not None:
            args += ["--data", self.data]
        if self.actual:
            args.append("--actual")
        if self.browser != "chrome":
            args += ["--browser", self.browser]
        if self.client != "fetch":
            args += ["--client", self.client]
        return args

    def shell(self, show_secrets: bool = True) -> str:
        return " ".join(shlex.quote(a) for a in self.argv(show_secrets))

    def spec(self) -> RequestSpec:
        return RequestSpec(
            self.url,
            self.origin or "",
            self.method,
            self.headers,
            self.credentials,
            body=self.data,
            browser=self.browser,  # type: ignore[arg-type]  # validated where the command line is parsed
            client=self.client,  # type: ignore[arg-type]
        )
