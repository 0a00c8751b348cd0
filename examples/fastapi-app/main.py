"""A tiny FastAPI app whose CORS settings are tested by cors-doctor's pytest plugin (test_cors.py)."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

FRONT_END = "http://localhost:5173"

api = FastAPI()


@api.get("/items")
def list_items():
    return {"items": [1, 2, 3]}


@api.put("/items")
def save_items(items: dict):
    return items


@api.get("/me")
def me():
    return {"user": "ada"}


# Wrapping the whole app (instead of add_middleware) gives error replies CORS headers too.
app = CORSMiddleware(
    api,
    allow_origins=[FRONT_END],
    allow_credentials=True,
    allow_methods=["GET", "PUT"],
    allow_headers=["Content-Type"],
    expose_headers=["X-Request-Id"],
)
