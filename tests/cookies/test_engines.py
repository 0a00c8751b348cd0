"""cors-doctor's cookie prediction against what the engines did.

* test_prediction_matches_recorded_*: no browser needed; the recorded fixture of each engine
  (tests/cookies/fixtures/*.json, `python -m tests.cookies.record`) against `check --json`.
* test_live_*: run the engine now; it must still do what the fixture says, and the prediction
  must agree with this run too.
"""

from __future__ import annotations

import json

import pytest

from .cases import CASES
from .conftest import chromium_missing, firefox_missing, need, webkit_missing
from .predict import disagreements
from .record import fixture_path

pytestmark = pytest.mark.integration
BROWSER_OF = {"chromium": "chrome", "firefox": "firefox", "webkit": "safari"}


def load(engine: str) -> dict:
    return json.loads(fixture_path(engine).read_text(encoding="utf-8"))


@pytest.mark.parametrize("engine", sorted(BROWSER_OF))
def test_fixture_covers_every_case_and_records_its_policy(engine):
    fixture = load(engine)
    assert fixture["version"]
    for profile in fixture["profiles"].values():
        assert profile["third_party"] in ("allow", "partition", "block")
        assert set(profile["results"]) == {c.id for c in CASES}


@pytest.mark.parametrize("engine", sorted(BROWSER_OF))
def test_prediction_matches_recorded(engine, cookie_servers):
    assert disagreements(cookie_servers, load(engine), BROWSER_OF[engine]) == []


def test_recorded_chromium_shows_the_rules_that_matter():
    """The facts the model rests on, readable in one place (Chromium, http on loopback)."""
    allowed = load("chromium")["profiles"]["third-party-allowed"]["results"]
    default = load("chromium")["profiles"]["default"]["results"]
    # Lax by default, and explicit Lax/Strict, keep the cookie out cross-site; None; Secure gets through
    # over http on 127.0.0.1 (loopback counts as secure) when third-party cookies are allowed.
    assert [allowed[f"cross-site.{k}"]["sent"] for k in ("plain", "lax", "strict", "none-secure")] == [
        False,
        False,
        False,
        True,
    ]
    assert not allowed["cross-site.none-insecure"]["stored"]
    # The same cookies work between localhost ports: same site.
    assert allowed["same-site-host.plain"]["sent"] and allowed["same-site-host.lax"]["sent"]
    # The profile's default blocks third-party cookies; only Partitioned survives.
    assert [k for k in ("none-secure", "partitioned") if default[f"cross-site.{k}"]["sent"]] == ["partitioned"]


# Chromium's own reasons for refusing a Set-Cookie (DevTools protocol, SetCookieBlockedReason) and the
# rule cors-doctor reports for each.
CHROMIUM_REASON_CODES = {
    "InvalidDomain": "CD806",
    "InvalidPrefix": "CD805",
    "SameSiteNoneInsecure": "CD803",
    "SecureOnly": "CD804",
    "UserPreferences": "CD809",
    "ThirdPartyPhaseout": "CD809",
    "SameSiteLax": "CD807",
    "SameSiteStrict": "CD807",
    "SchemefulSameSiteLax": "CD807",
    "SchemefulSameSiteStrict": "CD807",
    "SameSiteUnspecifiedTreatedAsLax": "CD808",
    "SchemefulSameSiteUnspecifiedTreatedAsLax": "CD808",
}


def test_chromium_reasons_are_the_rules_cors_doctor_reports(cookie_servers):
    """Where Chromium says why it refused a Set-Cookie, cors-doctor names the same reason."""
    from .predict import predict

    checked = 0
    for name, profile in load("chromium")["profiles"].items():
        for case in CASES:
            reasons = profile["results"][case.id]["blocked_reasons"]
            if not reasons:
                continue
            said = predict(cookie_servers, case, "chrome", profile["third_party"])
            assert not said["stored"], (name, case.id)
            for reason in reasons:
                assert CHROMIUM_REASON_CODES[reason] in said["codes"], (name, case.id, reason, said["codes"])
                checked += 1
    assert checked >= 30


def test_recorded_firefox_shows_the_rules_that_matter():
    fixture = load("firefox")
    assert fixture["sameSite_prefs"] == {"laxByDefault": False, "noneRequiresSecure": True, "schemeful": False}
    default = fixture["profiles"]["default"]
    assert default["preferences"] == {"network.cookie.cookieBehavior": 5} and default["third_party"] == "partition"
    # No Lax by default: a cookie without SameSite crosses sites, in the page's partition.
    plain = default["results"]["cross-site.plain"]
    assert (plain["stored"], plain["partitioned"], plain["sent"]) == (True, True, True)
    assert not default["results"]["cross-site.lax"]["stored"]
    assert not default["results"]["cross-site.none-insecure"]["stored"]


def test_recorded_webkit_shows_the_rules_that_matter():
    fixture = load("webkit")
    default = fixture["profiles"]["default"]
    assert default["args"] == ["--cookies-policy=no-third-party"] and default["third_party"] == "block"
    assert not any(default["results"][f"cross-site.{k}"]["sent"] for k in ("plain", "none-insecure"))
    allowed = fixture["profiles"]["third-party-allowed"]["results"]
    # No Lax by default and no Secure requirement for SameSite=None; but no Secure cookie over http, even on
    # loopback.
    assert allowed["cross-site.plain"]["sent"] and allowed["cross-site.none-insecure"]["sent"]
    assert not allowed["same-site-host.secure-only"]["sent"]


def _compare_live(engine: str, observed: dict, servers) -> None:
    for name, profile in load(engine)["profiles"].items():
        assert observed["profiles"][name]["results"] == profile["results"], (
            f"{engine} {observed['version']} changed its cookie behaviour in profile {name}; "
            f"re-record with python -m tests.cookies.record {engine}"
        )
    assert disagreements(servers, observed, BROWSER_OF[engine]) == []


@pytest.mark.browser
def test_live_chromium(cookie_servers):
    need(chromium_missing())
    from .chromium import run_chromium

    _compare_live("chromium", run_chromium(cookie_servers), cookie_servers)


@pytest.mark.browser
def test_live_firefox(cookie_servers):
    need(firefox_missing())
    from .firefox import run_firefox

    _compare_live("firefox", run_firefox(cookie_servers), cookie_servers)


def test_explain_recognises_every_recorded_firefox_cookie_message(cookie_servers):
    """Each console line Firefox printed names the rule `check` reports for that case, with its advice."""
    from cors_doctor.explain.recognise import explain

    from .predict import predict

    fixture = load("firefox")
    seen_codes = set()
    for name, profile in fixture["profiles"].items():
        for case in CASES:
            lines = profile["results"][case.id]["console"]
            if not lines:
                continue
            predicted = predict(cookie_servers, case, "firefox", profile["third_party"])["codes"]
            for line in lines:
                result = explain(line)
                assert len(result.explained) == 1 and not result.unrecognised, (name, case.id, line)
                e = result.explained[0]
                assert e.browser == "firefox" and e.fix
                # Firefox also warns about a cookie that works now (will soon need Partitioned) and about an
                # unknown SameSite value; those are information, the others are the refusal check predicts.
                assert e.code in predicted or e.code in ("CD811", "CD814"), (name, case.id, line, predicted)
                seen_codes.add(e.code)
    assert {"CD803", "CD805", "CD806", "CD807"} <= seen_codes


@pytest.mark.browser
def test_live_webkit(cookie_servers):
    need(webkit_missing())
    from .webkit import run_webkit

    _compare_live("webkit", run_webkit(cookie_servers), cookie_servers)
