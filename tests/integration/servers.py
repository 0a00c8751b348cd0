"""Real Starlette/FastAPI apps with CORSMiddleware, served by uvicorn on 127.0.0.1.

Each configuration is one way a real deployment passes or fails a browser's CORS checks. A
server runs in a thread on a socket bound to a free loopback port until `close()`.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable

from fastapi import Request, Response

PAGE = "http://localhost:5173"
OTHER_PAGE = "https://evil.example"
STARTUP_TIMEOUT = 10.0


class UvicornServer:
    """uvicorn serving one ASGI app from a background thread on its own loopback socket."""

    def __init__(self, app) -> None:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def _routes(app) -> None:
    """The endpoints every configuration shares (a FastAPI app)."""

    @app.get("/items")
    def list_items(response: Response):
        response.headers["X-Request-Id"] = "req-42"
        response.headers["X-Total-Count"] = "3"
        return {"items": [1, 2, 3]}

    @app.put("/items")
    async def replace_items(request: Request):
        return {"received": (await request.body()).decode()}

    @app.post("/items")
    async def create_items(request: Request):
        return {"received": (await request.body()).decode()}

    @app.get("/boom")
    def boom():
        raise RuntimeError("the handler crashed")

    @app.put("/slash/")
    async def slash_only(request: Request):
        return {"ok": True}


def fastapi_app(**cors) -> object:
    """A FastAPI app with `app.add_middleware(CORSMiddleware, **cors)`, the documented way."""
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    _routes(app)
    app.add_middleware(CORSMiddleware, **cors)
    return app


def mounted_api_app(**cors) -> object:
    """The API is a sub-app mounted at /api with its own CORSMiddleware; the outer app has none.

    A call to `/api` (no trailing slash) is redirected by the outer router before CORS runs.
    """
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    api = FastAPI()
    _routes(api)
    api.add_middleware(CORSMiddleware, **cors)

    @api.put("/")
    async def root():
        return {"ok": True}

    outer = FastAPI()
    outer.mount("/api", api)
    return outer


CONFIGS: dict[str, Callable[[], object]] = {
    # The configuration a developer means to write: one explicit origin, credentials, JSON.
    "explicit": lambda: fastapi_app(
        allow_origins=[PAGE], allow_methods=["GET", "PUT", "POST"], allow_headers=["Authorization", "X-Requested-With"],
        allow_credentials=True, expose_headers=["X-Request-Id"], max_age=600,
    ),
    # CORSMiddleware with only allow_origins: methods default to GET, no extra headers.
    "defaults": lambda: fastapi_app(allow_origins=[PAGE]),
    # Methods listed, allow_headers left out (Starlette still always allows the safelisted names).
    "no-headers": lambda: fastapi_app(allow_origins=[PAGE], allow_methods=["GET", "POST", "PUT"]),
    "wildcard": lambda: fastapi_app(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]),
    "wildcard-credentials": lambda: fastapi_app(
        allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], allow_credentials=True,
    ),
    "mounted": lambda: mounted_api_app(allow_origins=[PAGE], allow_methods=["GET", "PUT"]),
}
