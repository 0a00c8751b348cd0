"""The front end's CORS contract: the pytest fixture, and the same in unittest form."""

import unittest

from app import FRONT_END, app

from cors_doctor.testing import assert_allowed, assert_blocked


def test_front_end_can_save_items(cors):
    cors.assert_allowed(
        app,
        "/items",
        origin=FRONT_END,
        method="PUT",
        headers={"Content-Type": "application/json"},
        credentials=True,
        body="{}",
        actual=True,
    )


def test_strangers_cannot_read_with_cookies(cors):
    cors.assert_blocked(app, "/me", origin="https://evil.example", credentials=True)


class CorsContract(unittest.TestCase):
    def test_front_end_reads_who_is_logged_in(self):
        assert_allowed(app, "/me", origin=FRONT_END, credentials=True)

    def test_other_ports_are_other_origins(self):
        assert_blocked(app, "/me", origin="http://localhost:3000", credentials=True)
