"""Real Starlette/FastAPI apps with CORSMiddleware, for uvicorn on 127.0.0.1.

Each configuration is one way a real deployment passes or fails a browser's CORS checks; the
fixtures serve it with tests._uvicorn.UvicornServer on a free loopback port.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Response

PAGE = "http://localhost:5173"
OTHER_PAGE = "https://evil.example"


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
        allow_origins=[PAGE],
        allow_methods=["GET", "PUT", "POST"],
        allow_headers=["Authorization", "X-Requested-With"],
        allow_credentials=True,
        expose_headers=["X-Request-Id"],
        max_age=600,
    ),
    # CORSMiddleware with only allow_origins: methods default to GET, no extra headers.
    "defaults": lambda: fastapi_app(allow_origins=[PAGE]),
    # Methods listed, allow_headers left out (Starlette still always allows the safelisted names).
    "no-headers": lambda: fastapi_app(allow_origins=[PAGE], allow_methods=["GET", "POST", "PUT"]),
    "wildcard": lambda: fastapi_app(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]),
    "wildcard-credentials": lambda: fastapi_app(
        allow_origins=["*"],
        allow_methods=["*"],
        allow_headers=["*"],
        allow_credentials=True,
    ),
    "mounted": lambda: mounted_api_app(allow_origins=[PAGE], allow_methods=["GET", "PUT"]),
}
