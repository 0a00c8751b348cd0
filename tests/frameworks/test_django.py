"""Django with django-cors-headers, served by runserver: diagnose, append the suggested settings, re-check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
PUT_JSON = ("-X", "PUT", "--header", "Content-Type: application/json", "--data", "{}", "--actual")

SETTINGS = """\
SECRET_KEY = "cors-doctor-framework-test"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["django.contrib.contenttypes"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {}
USE_TZ = True

@@CORS@@
"""

URLS = """\
import json

from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt


@method_decorator(csrf_exempt, name="dispatch")
class Items(View):
    def get(self, request):
        return JsonResponse({"items": [1, 2, 3]})

    def put(self, request):
        return JsonResponse(json.loads(request.body or "{}"))


urlpatterns = [path("api/items", Items.as_view())]
"""


def runserver(port: int, directory: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "django",
        "runserver",
        f"127.0.0.1:{port}",
        "--noreload",
        "--settings",
        "settings",
        "--pythonpath",
        str(directory),
    ]


@pytest.fixture
def django_app(serve, tmp_path, cli) -> AppUnderTest:
    return AppUnderTest(
        serve,
        tmp_path,
        cli,
        framework="django",
        files={"settings.py": SETTINGS, "urls.py": URLS},
        argv=runserver,
        env={"PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_no_cors_headers_installed(django_app):
    django_app.start()
    before = django_app.check("/api/items", PAGE, *PUT_JSON)
    assert not before.allowed and {"CD301", "CD605"} <= before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert f'CORS_ALLOWED_ORIGINS = ["{PAGE}"]' in snippet and '"corsheaders"' in snippet
    django_app.recheck(before, "/api/items", PAGE, *PUT_JSON, cors=snippet)


def test_origin_not_allowed(django_app):
    django_app.start(
        cors='INSTALLED_APPS += ["corsheaders"]\n'
        'MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")\n'
        'CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]\n'
    )
    before = django_app.check("/api/items", PAGE, *PUT_JSON)
    assert not before.allowed and "CD301" in before.codes, before.explain()
    django_app.recheck(before, "/api/items", PAGE, *PUT_JSON, cors=before.fix["snippet"])


def test_allow_all_origins_with_credentials_reflects(django_app):
    django_app.start(
        cors='INSTALLED_APPS += ["corsheaders"]\n'
        'MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")\n'
        "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"
    )
    before = django_app.check("/api/items", PAGE, "--credentials")
    assert before.allowed and "CD607" in before.codes, before.explain()
    assert "CORS_ALLOW_ALL_ORIGINS = False" in before.fix["snippet"]
    after = django_app.recheck(before, "/api/items", PAGE, "--credentials", cors=before.fix["snippet"])
    assert "CD607" not in after.codes


def test_django_is_guessed_from_runserver(django_app):
    django_app.start()
    result = django_app.check("/api/items", PAGE, *PUT_JSON, framework=None)
    assert result.framework["name"] == "django" and result.framework["guessed"] is True
    assert any("WSGIServer" in e for e in result.framework["evidence"]), result.framework
