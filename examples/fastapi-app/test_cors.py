"""The front end's CORS contract, checked in-process by the `cors` fixture (no server started)."""

import pytest
from main import FRONT_END, app

JSON = {"Content-Type": "application/json"}


def test_front_end_can_save_items(cors):
    cors.assert_allowed(
        app,
        "/items",
        origin=FRONT_END,
        method="PUT",
        headers=JSON,
        credentials=True,
        body='{"items": [4]}',
        actual=True,
    )


def test_front_end_reads_who_is_logged_in(cors):
    cors.assert_allowed(app, "/me", origin=FRONT_END, credentials=True)


def test_strangers_cannot_read_with_cookies(cors):
    cors.assert_blocked(app, "/me", origin="https://evil.example", credentials=True)


def test_delete_is_not_part_of_the_contract(cors):
    verdict = cors.assert_blocked(app, "/items", origin=FRONT_END, method="DELETE", credentials=True)
    assert "CD601" in verdict.codes  # CORSMiddleware refused the method


@pytest.mark.anyio
async def test_in_the_tests_event_loop(cors):
    await cors.assert_allowed_async(app, "/items", origin=FRONT_END)
