"""`cors-doctor audit`, the second round: requests whose need only the first round's replies show (pure).

* Look-alike GETs. When the arbitrary origin was allowed with credentials, every look-alike would
  at best get the same answer and fold into that finding: they are not sent. Otherwise each
  look-alike gets its GET.
* Look-alike preflights. A CORS layer usually judges an origin the same way on the preflight and
  on the GET; then a look-alike's preflight only repeats its GET's answer. When the first round
  shows the two paths disagree (for the trusted origin, the arbitrary origin or `null`), every
  look-alike gets its preflight too.
* One GET with a harmless dummy cookie. Some servers answer `*` (or nothing) to a request
  without cookies and echo the Origin with credentials as soon as a cookie comes along
  (Starlette releases that look for a cookie, with `allow_origins=["*"]` and
  `allow_credentials=True`). A browser with a session always sends one, so that reply is what
  an attacker's page gets.
"""

from __future__ import annotations

from collections.abc import Sequence

from cors_doctor.audit.model import (
    ARBITRARY_ORIGIN,
    FIRST_ROUND,
    AuditTarget,
    CraftedOrigin,
    Probe,
    ProbeOutcome,
    crafted_origins,
    get_probe,
    preflight_probe,
)

# Sent only when the first round suggests cookies change the answer; it names no real session.
DUMMY_COOKIE = ("Cookie", "cors_doctor_probe=1")


def _verdict(o: ProbeOutcome) -> tuple[bool, bool]:
    return o.accepted, o.accepted and o.allows_credentials


def paths_disagree(outcomes: Sequence[ProbeOutcome]) -> bool:
    """True when, for some origin sent both ways, the preflight and the GET were answered differently."""
    gets = {
        o.probe.origin: o
        for o in outcomes
        if not o.probe.is_preflight and o.probe.purpose in ("trusted", "crafted") and o.response is not None
    }
    for o in outcomes:
        if o.probe.is_preflight and o.probe.purpose in ("trusted", "crafted") and o.response is not None:
            get = gets.get(o.probe.origin)
            if get is not None and _verdict(get) != _verdict(o):
                return True
    return False


def reflects_with_credentials(outcomes: Sequence[ProbeOutcome], preflight: bool) -> bool:
    """The arbitrary origin was allowed with credentials: no look-alike can be answered worse."""
    return any(
        o.probe.origin == ARBITRARY_ORIGIN
        and o.probe.purpose == "crafted"
        and o.accepted
        and o.allows_credentials
        and o.probe.is_preflight == preflight
        for o in outcomes
    )


def _look_alikes(target: AuditTarget, outcomes: Sequence[ProbeOutcome]) -> list[Probe]:
    url, method, extra = target.url, target.preflight_method, target.extra_headers
    look_alikes = [c for c in crafted_origins(target.trusted) if c.kind not in FIRST_ROUND]
    probes = []
    if not reflects_with_credentials(outcomes, preflight=False):
        probes += [get_probe(f"GET {c.value}", "crafted", url, c.value, extra, crafted=c) for c in look_alikes]
    if paths_disagree(outcomes) and not reflects_with_credentials(outcomes, preflight=True):
        probes += [
            preflight_probe(f"OPTIONS {c.value}", "crafted", url, c.value, method, crafted=c)
            for c in look_alikes
            if c.preflight
        ]
    return probes


def cookie_trigger(outcomes: Sequence[ProbeOutcome]) -> ProbeOutcome | None:
    """The reply that makes a cookie worth trying: `*` with credentials to a forged origin, or a
    preflight that allowed a forged origin with credentials while its GET did not."""
    credentialed_gets = {
        o.probe.origin for o in outcomes if not o.probe.is_preflight and o.accepted and o.allows_credentials
    }
    star = [
        o
        for o in outcomes
        if o.probe.purpose == "crafted" and not o.probe.is_preflight and o.allow_origin == "*" and o.allows_credentials
    ]
    preflights = [
        o
        for o in outcomes
        if o.probe.purpose == "crafted"
        and o.probe.is_preflight
        and o.accepted
        and o.allows_credentials
        and o.probe.origin not in credentialed_gets
    ]
    candidates = star + preflights
    # The arbitrary origin first: whatever it proves, it proves for every site.
    candidates.sort(key=lambda o: o.probe.origin != ARBITRARY_ORIGIN)
    return candidates[0] if candidates else None


def _cookie_probe(target: AuditTarget, outcomes: Sequence[ProbeOutcome]) -> list[Probe]:
    if any(name.lower() == "cookie" for name, _ in target.extra_headers):
        return []  # every GET already carried the user's own cookie
    trigger = cookie_trigger(outcomes)
    if trigger is None or trigger.probe.crafted is None:
        return []
    crafted: CraftedOrigin = trigger.probe.crafted
    extra = (*target.extra_headers, DUMMY_COOKIE)
    return [
        get_probe(
            f"GET {crafted.value} with a cookie", "with-cookie", target.url, crafted.value, extra, crafted=crafted
        )
    ]


def follow_up_probes(target: AuditTarget, outcomes: Sequence[ProbeOutcome]) -> tuple[Probe, ...]:
    """The second round for one URL, from the first round's replies (often empty)."""
    return tuple(_look_alikes(target, outcomes) + _cookie_probe(target, outcomes))
