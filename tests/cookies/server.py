"""The loopback servers of the cookie suite: a page server and an API that sets one cookie per case.

GET /c/<placement>.<kind>/set answers with the case's Set-Cookie, GET /c/<id>/echo with the
Cookie header it received; both allow the requesting origin with credentials.
"""

from __future__ import annotations

from tests._loopback import LoopbackServer, ReceivedRequest

from .cases import API_HOST, PAGE_HOST, SET_COOKIES, CookieCase

PAGE_HTML = b"<!doctype html><title>cookie suite</title>"


def _api(request: ReceivedRequest):
    origin = request.header("Origin") or ""
    cors = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
        ("Cache-Control", "no-store"),
        ("Content-Type", "text/plain"),
    ]
    parts = request.path.split("?")[0].split("/")
    if len(parts) != 4 or parts[1] != "c":
        return 404, cors, b"no such case"
    kind = parts[2].partition(".")[2]
    if parts[3] == "set" and kind in SET_COOKIES:
        return 200, [*cors, ("Set-Cookie", SET_COOKIES[kind])], b"set"
    if parts[3] == "echo":
        return 200, cors, (request.header("Cookie") or "").encode()
    return 404, cors, b"no such route"


def _page(request: ReceivedRequest):
    return 200, [("Content-Type", "text/html"), ("Cache-Control", "no-store")], PAGE_HTML


class CookieServers:
    """The page and the API on 127.0.0.1 (reached as localhost or 127.0.0.1 per placement)."""

    def __init__(self) -> None:
        self.page = LoopbackServer(_page)
        self.api = LoopbackServer(_api)

    def page_url(self, placement: str) -> str:
        return f"http://{PAGE_HOST[placement]}:{self.page.port}"

    def api_url(self, case: CookieCase, route: str) -> str:
        return f"http://{API_HOST[case.placement]}:{self.api.port}/c/{case.id}/{route}"

    def close(self) -> None:
        self.page.close()
        self.api.close()

    def __enter__(self) -> CookieServers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
