"""The applications the library tests check, in-process and served on 127.0.0.1.

FastAPI configurations come from tests/integration/servers.py where they exist there; the rest
(no middleware, one origin with credentials, a hand-written OPTIONS handler) are added here, as
are a Flask app with Flask-CORS and a Django project with django-cors-headers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from tests.integration.servers import CONFIGS as SERVED_CONFIGS
from tests.integration.servers import PAGE, fastapi_app


def no_middleware() -> Any:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/items")
    def list_items():
        return {"items": [1, 2, 3]}

    @app.put("/items")
    def put_items(item: dict):
        return item

    @app.get("/boom")
    def boom():
        raise RuntimeError("the handler crashed")

    return app


def hand_written_options() -> Any:
    """A route-level OPTIONS handler that answers preflights itself, without CORSMiddleware."""
    from fastapi import FastAPI, Response

    app = no_middleware()
    assert isinstance(app, FastAPI)

    @app.options("/items")
    def items_preflight():
        return Response(
            status_code=200,
            headers={
                "Access-Control-Allow-Origin": PAGE,
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": "Content-Type, Authorization",
            },
        )

    return app


FASTAPI_CONFIGS: dict[str, Callable[[], Any]] = {
    "no-middleware": no_middleware,
    "origin-list": lambda: fastapi_app(
        allow_origins=[PAGE, "http://localhost:3000"], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"]
    ),
    "wildcard": SERVED_CONFIGS["wildcard"],
    "wildcard-credentials": SERVED_CONFIGS["wildcard-credentials"],
    "one-origin-credentials": SERVED_CONFIGS["explicit"],
    "hand-written-options": hand_written_options,
}


def flask_app() -> Any:
    from flask import Flask, jsonify, request
    from flask_cors import CORS

    app = Flask("cors_doctor_library_flask")

    @app.get("/items")
    def list_items():
        return jsonify(items=[1, 2, 3])

    @app.put("/items")
    def put_items():
        return jsonify(request.get_json(force=True, silent=True) or {})

    @app.get("/me")
    def me():
        return jsonify(user="ada")

    CORS(app, origins=[PAGE], supports_credentials=True, methods=["GET", "PUT"], allow_headers=["Content-Type"])
    return app


def django_app() -> Any:
    """A one-module Django project with django-cors-headers (settings are per process: once)."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            SECRET_KEY="cors-doctor-library-test",
            DEBUG=False,
            ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
            ROOT_URLCONF=__name__,
            INSTALLED_APPS=["django.contrib.contenttypes", "corsheaders"],
            MIDDLEWARE=["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
            DATABASES={},
            USE_TZ=True,
            CORS_ALLOWED_ORIGINS=[PAGE],
            CORS_ALLOW_CREDENTIALS=True,
        )
        django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _django_items(request: Any) -> Any:
    from django.http import JsonResponse

    if request.method == "PUT":
        return JsonResponse(json.loads(request.body or b"{}"))
    return JsonResponse({"items": [1, 2, 3]})


def _urlpatterns() -> list[Any]:
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    return [path("items", csrf_exempt(_django_items))]


def __getattr__(name: str) -> Any:
    # Django reads ROOT_URLCONF's `urlpatterns` only after settings are configured.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


class WsgiServer:
    """A WSGI app served on 127.0.0.1 from a thread: Werkzeug's server (as `flask run`) or
    Django's runserver server class."""

    def __init__(self, app: Any, kind: str) -> None:
        if kind == "django":
            from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

            class QuietHandler(WSGIRequestHandler):
                def log_message(self, *args: Any) -> None:
                    pass

            self._server: Any = WSGIServer(("127.0.0.1", 0), QuietHandler)
            self._server.set_app(app)
        else:
            from werkzeug.serving import make_server

            self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
