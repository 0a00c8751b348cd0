"""Verdicts built from scripted replies (no network), for the fix, fingerprint and pitfall unit tests."""

from __future__ import annotations

from cors_doctor.evaluate import evaluate
from cors_doctor.model import RequestSpec, Response, Verdict
from cors_doctor.plan import build_plan

PAGE = "https://app.example.com"
API = "https://api.example.com/api/items"
JSON = ("Content-Type", "application/json")
AUTH = ("Authorization", "Bearer t")


def reply(status: int = 200, *headers: tuple[str, str], body: str = "") -> Response:
    return Response(status=status, headers=tuple(headers), body_excerpt=body)


def verdict(
    *replies: Response, method: str = "GET", headers=(), credentials: bool = False, origin: str = PAGE, url: str = API
) -> Verdict:
    """The browser's verdict when the server answers with `replies`, in the order they are asked for."""
    plan = build_plan(RequestSpec(url, origin, method, tuple(headers), credentials))
    return evaluate(plan, list(replies), send_actual=True)


def blocked_put(credentials: bool = True) -> Verdict:
    """A credentialed JSON PUT with Authorization whose preflight got no CORS headers at all."""
    return verdict(reply(404), method="PUT", headers=(JSON, AUTH), credentials=credentials)
