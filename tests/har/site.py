"""A small loopback site for HAR recordings: an API with several CORS setups and a page that calls it.

The page (http://localhost:PAGE) and the API (http://localhost:API) are different origins on the
same site, so a cookie the API sets travels with `credentials: 'include'`. Both servers listen on
127.0.0.1 on ports the operating system picks. The page's script runs every call in CALLS one
after the other and then sets `window.done`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from tests._loopback import LoopbackServer, Reply

JSON = ("Content-Type", "application/json")


@dataclass(frozen=True)
class Call:
    """One fetch() the page makes, and what Chromium decides: the code of the failure (None: allowed)."""

    path: str
    init: dict
    code: str | None
    preflight: bool = False

    @property
    def blocked(self) -> bool:
        return self.code is not None


JSON_BODY = {"headers": {"Content-Type": "application/json"}, "body": "{}"}
CALLS = (
    Call("/ok", {}, None),
    Call("/no-cors", {}, "CD301"),
    Call("/trailing-slash", {}, "CD304"),
    Call("/items", {"method": "PUT", **JSON_BODY}, None, True),
    Call("/items/1", {"method": "DELETE"}, "CD205", True),
    Call("/search", {"method": "POST", **JSON_BODY}, "CD206", True),
    Call("/preflight-404", {"method": "PUT", **JSON_BODY}, "CD301", True),
    Call(
        "/login",
        {
            "method": "POST",
            "headers": {"Authorization": "Bearer recorded-token", "Content-Type": "application/json"},
            "body": "{}",
        },
        "CD202",
        True,
    ),
    Call("/session", {"credentials": "include"}, None),
    Call("/profile", {"credentials": "include"}, None),
    Call("/me", {"credentials": "include"}, "CD305"),
    Call("/error-500", {}, "CD301"),
    Call("/form", {"method": "POST", "body": "a=1"}, "CD301"),
    Call("/moved", {}, None),
)
BY_PATH = {call.path: call for call in CALLS}


def _cors(origin: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), *extra]


def api_reply(method: str, path: str, origin: str) -> Reply:
    """What the API answers; the interesting mistakes are spelled out per path."""
    body = json.dumps({"path": path}).encode()
    if method == "OPTIONS":
        if path == "/items":
            return (
                204,
                _cors(
                    origin,
                    ("Access-Control-Allow-Methods", "GET, PUT"),
                    ("Access-Control-Allow-Headers", "Content-Type"),
                    ("Access-Control-Max-Age", "600"),
                ),
                b"",
            )
        if path == "/items/1":
            return 204, _cors(origin, ("Access-Control-Allow-Methods", "GET, POST, PUT")), b""
        if path == "/search":
            return 204, _cors(origin, ("Access-Control-Allow-Methods", "POST")), b""
        if path == "/login":
            return 401, _cors(origin, JSON), b'{"detail": "Not authenticated"}'
        return 404, [JSON], b'{"detail": "Not Found"}'
    if path == "/ok":
        return 200, _cors(origin, JSON, ("X-Request-Id", "42")), body
    if path == "/trailing-slash":
        return 200, _cors(origin + "/", JSON), body
    if path == "/items":
        return 200, _cors(origin, JSON), body
    if path == "/session":
        return (
            200,
            _cors(
                origin,
                JSON,
                ("Access-Control-Allow-Credentials", "true"),
                ("Set-Cookie", "session=recorded-cookie; Path=/; SameSite=Lax"),
            ),
            body,
        )
    if path == "/profile":
        return 200, _cors(origin, JSON, ("Access-Control-Allow-Credentials", "true")), body
    if path == "/me":
        return 200, [JSON, ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], body
    if path == "/error-500":
        return 500, [("Content-Type", "text/plain")], b"Internal Server Error"
    if path == "/moved":  # a redirect of a CORS request needs the CORS headers too
        return 302, _cors(origin, ("Location", "/ok")), b""
    if path == "/pixel.gif":
        return 200, [("Content-Type", "image/gif")], b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    return 200, [JSON], body  # /no-cors, /form and anything else: no CORS headers at all


PAGE_SCRIPT = """
const API = %(api)s;
const CALLS = %(calls)s;
window.done = false;
(async () => {
  await fetch("/local.json").catch(() => null);
  for (const [path, init] of CALLS) {
    try { await (await fetch(API + path, init)).text(); } catch (e) { /* blocked: recorded in the HAR */ }
  }
  await new Promise((resolve) => { const img = new Image(); img.onload = img.onerror = resolve; img.src = API + "/pixel.gif"; });
  window.done = true;
})();
"""


def page_html(api: str) -> bytes:
    calls = [[c.path, c.init] for c in CALLS]
    script = PAGE_SCRIPT % {"api": json.dumps(api), "calls": json.dumps(calls)}
    return (
        f"<!doctype html><meta charset=utf-8><title>cors-doctor HAR site</title>"
        f"<link rel=icon href='data:,'><p>calling the API<script>{script}</script>"
    ).encode()


def _serve(reply: Callable[[str, str, str], Reply]) -> LoopbackServer:
    """A loopback server answering `reply(method, path, Origin)`."""
    return LoopbackServer(lambda request: reply(request.method, request.path, request.header("Origin") or ""))


class Site:
    """The page and the API, started together; use as a context manager."""

    def __init__(self) -> None:
        self._api = _serve(api_reply)
        self.api = f"http://localhost:{self._api.port}"
        html = page_html(self.api)

        def page(method: str, path: str, origin: str) -> Reply:
            if path == "/local.json":
                return 200, [JSON], b"{}"
            return 200, [("Content-Type", "text/html; charset=utf-8")], html

        self._page = _serve(page)
        self.page = f"http://localhost:{self._page.port}"
        self._closed = False

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._api.close()
        self._page.close()
