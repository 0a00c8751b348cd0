"""In-process checks agree with served ones: the same application, the same URL, the same verdict.

Each application is checked twice with the same URL (http://127.0.0.1:PORT/...): once served
(uvicorn for FastAPI, Werkzeug's server for Flask, Django's runserver server for Django) and
once in this process with `app=`. Allowed, verified, the finding codes and the browser's
console message must be identical.
"""

from __future__ import annotations

from typing import Any

import pytest

import cors_doctor

from .apps import FASTAPI_CONFIGS, PAGE, django_app, flask_app

pytestmark = pytest.mark.integration

EVIL = "https://evil.example"
JSON = {"Content-Type": "application/json"}

REQUESTS: dict[str, dict[str, Any]] = {
    "simple-get": {"path": "/items", "origin": PAGE},
    "put-json-credentials": {
        "path": "/items",
        "origin": PAGE,
        "method": "PUT",
        "headers": JSON,
        "credentials": True,
        "body": '{"a": 1}',
        "actual": True,
    },
    "put-json-preflight-only": {"path": "/items", "origin": PAGE, "method": "PUT", "headers": JSON},
    "stranger-with-cookies": {"path": "/items", "origin": EVIL, "credentials": True},
    "lowercase-patch": {"path": "/items", "origin": PAGE, "method": "patch", "headers": JSON},
}
FASTAPI_ONLY = {"crash": {"path": "/boom", "origin": PAGE}}


def _verdicts(app: Any, base: str, request: dict[str, Any]) -> tuple[cors_doctor.Verdict, cors_doctor.Verdict]:
    args = dict(request)
    url = base + args.pop("path")
    return cors_doctor.check(url, **args, timeout=5), cors_doctor.check(url, **args, app=app, timeout=5)


def _same(served: cors_doctor.Verdict, in_process: cors_doctor.Verdict) -> None:
    assert (in_process.allowed, in_process.verified) == (served.allowed, served.verified)
    assert in_process.codes == served.codes, (str(served), str(in_process))
    assert in_process.browser_message == served.browser_message
    assert in_process.exposed_headers == served.exposed_headers
    assert (in_process.preflight is None) == (served.preflight is None)
    if served.preflight is not None and in_process.preflight is not None:
        assert in_process.preflight.request == served.preflight.request
        assert served.preflight.response is not None and in_process.preflight.response is not None
        assert in_process.preflight.response.status == served.preflight.response.status


@pytest.mark.parametrize("request_name", [*REQUESTS, *FASTAPI_ONLY])
@pytest.mark.parametrize("config", FASTAPI_CONFIGS)
def test_fastapi_in_process_matches_uvicorn(config: str, request_name: str, served) -> None:
    app = FASTAPI_CONFIGS[config]()
    base = served(app, "asgi")
    _same(*_verdicts(app, base, (REQUESTS | FASTAPI_ONLY)[request_name]))


@pytest.mark.parametrize("request_name", REQUESTS)
def test_flask_cors_in_process_matches_werkzeug(request_name: str, served) -> None:
    app = flask_app()
    _same(*_verdicts(app, served(app, "flask"), REQUESTS[request_name]))


@pytest.mark.parametrize("request_name", REQUESTS)
def test_django_cors_headers_in_process_matches_runserver(request_name: str, served) -> None:
    app = django_app()
    _same(*_verdicts(app, served(app, "django"), REQUESTS[request_name]))


def test_the_verdicts_differ_between_configurations() -> None:
    """The comparison has teeth: the configurations give different, known answers."""
    request = dict(REQUESTS["put-json-credentials"])
    path = request.pop("path")
    answers = {name: cors_doctor.check(path, **request, app=make()) for name, make in FASTAPI_CONFIGS.items()}
    assert {name: v.allowed for name, v in answers.items()} == {
        "no-middleware": False,
        "origin-list": False,
        "wildcard": False,
        "wildcard-credentials": True,
        "one-origin-credentials": True,
        "hand-written-options": False,
    }
    assert answers["wildcard"].codes == ("CD305",)  # `*` with credentials
    assert answers["origin-list"].codes == ("CD306",)  # no Access-Control-Allow-Credentials
