"""Severity and folding rules of the audit, on replies built in memory (pure, no network)."""

from __future__ import annotations

from cors_doctor.audit.findings import analyse
from cors_doctor.audit.followup import follow_up_probes
from cors_doctor.audit.model import ProbeOutcome, make_target, plan_probes
from cors_doctor.model import Response

from .conftest import codes

TRUSTED = "https://app.example.com"


def run(policy, url="https://api.example.com/items", origins=(TRUSTED,)):
    """Answer every planned probe with `policy(probe) -> (status, headers)` and judge the replies."""
    target = make_target(url, origins)

    def answer(probe):
        status, headers = policy(probe)
        return ProbeOutcome(probe, Response(status, tuple(headers)))

    outcomes = [answer(p) for p in plan_probes(target)]  # both rounds, as audit.run sends them
    outcomes += [answer(p) for p in follow_up_probes(target, outcomes)]
    return analyse(target, outcomes)


def allow(*origins, credentials=True, vary=True, status=200, extra=()):
    def policy(probe):
        headers = list(extra)
        if probe.origin in origins:
            headers.append(("Access-Control-Allow-Origin", probe.origin))
            if credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
        if vary:
            headers.append(("Vary", "Origin"))
        return status, headers

    return policy


def test_reflection_with_credentials_is_high_and_without_is_low():
    def reflect(credentials):
        def policy(probe):
            if probe.origin is None:
                return 200, [("Vary", "Origin")]
            headers = [("Access-Control-Allow-Origin", probe.origin), ("Vary", "Origin")]
            return 200, headers + ([("Access-Control-Allow-Credentials", "true")] if credentials else [])

        return policy

    assert codes(run(reflect(True))) == {"CD701": "high"}
    assert codes(run(reflect(False))) == {"CD701": "low"}


def test_credentials_only_for_subdomains_are_not_folded_into_a_lesser_reflection():
    def policy(probe):
        if probe.origin is None:
            return 200, [("Vary", "Origin")]
        headers = [("Access-Control-Allow-Origin", probe.origin), ("Vary", "Origin")]
        if probe.origin.endswith(".example.com"):
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return 200, headers

    found = codes(run(policy))
    assert found["CD701"] == "low"
    assert found["CD707"] == "medium"


def test_http_twin_is_downgraded_by_hsts():
    twin = allow(TRUSTED, "http://app.example.com")
    assert codes(run(twin)) == {"CD708": "medium"}
    hsts = allow(
        TRUSTED, "http://app.example.com", extra=[("Strict-Transport-Security", "max-age=31536000; includeSubDomains")]
    )
    assert codes(run(hsts, url="https://example.com/items")) == {"CD708": "low"}
    # HSTS of another host, without includeSubDomains, protects nothing here.
    other = allow(TRUSTED, "http://app.example.com", extra=[("Strict-Transport-Security", "max-age=31536000")])
    assert codes(run(other, url="https://example.com/items")) == {"CD708": "medium"}


def test_a_404_target_caps_the_severity():
    result = run(allow(TRUSTED, "null", status=404))
    assert codes(result) == {"CD702": "low"}
    assert any("404" in n for n in result.notes)


def test_preflight_only_acceptance_is_one_step_lower():
    def policy(probe):
        if probe.is_preflight and probe.origin == "null":
            return 204, [
                ("Access-Control-Allow-Origin", "null"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ]
        return allow(TRUSTED)(probe)

    result = run(policy)
    assert codes(result) == {"CD702": "medium"}
    assert result.findings[0].context == "preflight"


def test_a_refused_preflight_accepts_nothing():
    def policy(probe):
        if probe.is_preflight and probe.origin == "null":
            return 400, [
                ("Access-Control-Allow-Origin", "null"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ]
        return allow(TRUSTED)(probe)

    assert codes(run(policy)) == {}


def test_credentials_header_must_be_exactly_true():
    result = run(allow(TRUSTED, "null", credentials=False, extra=[("Access-Control-Allow-Credentials", "True")]))
    assert codes(result) == {"CD702": "low"}
    assert result.findings[0].credentials is False


def test_vary_missing_only_on_replies_without_cors_is_info():
    def policy(probe):
        if probe.origin == TRUSTED:
            return 200, [("Access-Control-Allow-Origin", TRUSTED), ("Vary", "Origin")]
        return 200, []

    assert codes(run(policy)) == {"CD714": "info"}


def test_star_only_when_an_origin_came_without_vary_is_info():
    def policy(probe):
        return 200, [("Access-Control-Allow-Origin", "*")] if probe.origin is not None else []

    result = run(policy)
    assert codes(result) == {"CD713": "info", "CD714": "info"}


def test_static_allow_origin_needs_no_vary():
    assert codes(run(lambda probe: (200, [("Access-Control-Allow-Origin", TRUSTED)]))) == {}


def test_shared_cache_raises_missing_vary_to_medium():
    assert codes(run(allow(TRUSTED, vary=False))) == {"CD714": "low"}
    assert codes(run(allow(TRUSTED, vary=False, extra=[("Age", "12")]))) == {"CD714": "medium"}


def test_malformed_allow_origin():
    def policy(probe):
        return 200, [("Access-Control-Allow-Origin", "https://*.example.com")]

    result = run(policy)
    assert codes(result) == {"CD717": "info"}


def test_private_network_grant_on_a_public_host_is_info():
    def policy(probe):
        if probe.purpose == "private-network":
            return 200, [
                ("Access-Control-Allow-Origin", probe.origin),
                ("Access-Control-Allow-Private-Network", "true"),
                ("Vary", "Origin"),
            ]
        return allow(TRUSTED)(probe)

    result = run(policy)
    assert codes(result) == {"CD716": "info"}
    assert "Private Network Access preflight from https://app.example.com: granted (status 200)" in result.notes


def test_transport_errors_are_notes_not_findings():
    target = make_target("https://api.example.com/items", [TRUSTED])
    probes = plan_probes(target)
    outcomes = [ProbeOutcome(probes[0], Response(200, (("Vary", "Origin"),)))]
    outcomes += [ProbeOutcome(p, error="read timeout") for p in probes[1:]]
    result = analyse(target, outcomes)
    assert result.findings == ()
    assert any(f"{len(probes) - 1} of {len(probes)} requests failed" in n for n in result.notes)
    assert result.trusted[0].allowed is None


def test_any_mix_of_replies_gives_well_formed_findings():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    target = make_target("https://api.example.com/items", [TRUSTED, "https://admin.example.com"])
    probes = plan_probes(target)
    header = st.sampled_from(
        [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Origin", "null"),
            ("Access-Control-Allow-Origin", TRUSTED),
            ("Access-Control-Allow-Origin", "https://a, https://b"),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Credentials", "True"),
            ("Vary", "Origin"),
            ("Vary", "Accept"),
            ("Age", "3"),
            ("Strict-Transport-Security", "max-age=9"),
            ("Access-Control-Allow-Private-Network", "true"),
            ("Location", "/elsewhere"),
        ]
    )
    reply = st.one_of(
        st.none(),
        st.tuples(st.sampled_from([200, 204, 301, 400, 401, 404, 500]), st.lists(header, max_size=5), st.booleans()),
    )

    @settings(max_examples=40, deadline=None)
    @given(st.lists(reply, min_size=len(probes), max_size=len(probes)))
    def check(replies):
        outcomes = []
        for probe, r in zip(probes, replies):
            if r is None:
                outcomes.append(ProbeOutcome(probe, error="connection reset"))
                continue
            status, headers, echo = r
            if echo and probe.origin is not None:
                headers = [*headers, ("Access-Control-Allow-Origin", probe.origin)]
            outcomes.append(ProbeOutcome(probe, Response(status, tuple(headers))))
        result = analyse(target, outcomes)
        for f in result.findings:
            assert f.severity in ("high", "medium", "low", "info")
            assert f.evidence and f.title and f.message and f.fix and f.impact
        ranks = [("info", "low", "medium", "high").index(f.severity) for f in result.findings]
        assert ranks == sorted(ranks, reverse=True)

    check()


def test_look_alikes_are_not_asked_when_reflection_with_credentials_implies_their_answer():
    target = make_target("https://api.example.com/items", (TRUSTED,))

    def reflect(probe):
        headers = [("Access-Control-Allow-Origin", probe.origin), ("Access-Control-Allow-Credentials", "true")]
        return ProbeOutcome(probe, Response(200, tuple(headers) if probe.origin else ()))

    first = [reflect(p) for p in plan_probes(target)]
    assert follow_up_probes(target, first) == ()
    assert codes(analyse(target, first)) == {"CD701": "high", "CD714": "low"}


def test_look_alike_preflights_only_when_the_preflight_path_judges_differently():
    target = make_target("https://api.example.com/items", (TRUSTED,))
    same = [ProbeOutcome(p, Response(200 if not p.is_preflight else 204, ())) for p in plan_probes(target)]
    assert not any(p.is_preflight for p in follow_up_probes(target, same))
    differs = [
        ProbeOutcome(
            p,
            Response(204, (("Access-Control-Allow-Origin", p.origin),))
            if p.is_preflight and p.origin
            else Response(200, ()),
        )
        for p in plan_probes(target)
    ]
    second = follow_up_probes(target, differs)
    assert any(p.is_preflight and p.crafted.kind == "suffix" for p in second)


def test_odd_characters_after_a_name_that_a_prefix_check_takes_are_a_prefix_finding():
    def starts_with(probe):
        if probe.origin and probe.origin.startswith(TRUSTED):
            return 200, [
                ("Access-Control-Allow-Origin", probe.origin),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ]
        return 200, [("Vary", "Origin")]

    result = run(starts_with)
    assert codes(result) == {"CD703": "high"}
    assert "https://app.example.com_.evil.example" in result.findings[0].origins
