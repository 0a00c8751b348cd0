"""Every finding code has its docs page, generated from the catalog and up to date."""

import re
from pathlib import Path

import pytest

from cors_doctor.rules import docs as _docs
from cors_doctor.rules.catalog import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_every_code_has_an_up_to_date_page():
    stale = [
        str(path.relative_to(ROOT))
        for path, text in _docs.expected_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m cors_doctor.rules.docs` to regenerate: {stale}"


def test_no_page_without_a_code():
    pages = {p.stem for p in _docs.DOCS_DIR.glob("CD*.md")}
    assert pages == set(RULES)


def test_codes_are_well_formed_and_unique_names():
    assert all(re.fullmatch(r"CD[1-9]\d\d", code) for code in RULES)
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_every_code_used_in_the_package_is_in_the_catalog():
    used = set()
    for path in (ROOT / "cors_doctor").rglob("*.py"):
        used |= set(re.findall(r'"(CD\d{3})"', path.read_text(encoding="utf-8")))
    assert used <= set(RULES), sorted(used - set(RULES))


def test_every_page_has_a_failing_and_a_fixed_example():
    missing = [code for code, r in RULES.items() if not (r.failing.strip() and r.fixed.strip())]
    assert not missing


# -- the examples on the pages are what the evaluator says ------------------------------------
# Pages whose examples are reply headers: the failing example, laid over an otherwise correct
# reply, must produce the page's code; the fixed example must not (and an error page's fixed
# reply must be allowed). Each case: the request page script makes, and the correct base reply.
APP = "https://app.example.com"
LOCAL = "http://localhost:5173"
ALLOW_APP = (("Access-Control-Allow-Origin", APP), ("Vary", "Origin"))
EXAMPLE_CASES = {
    "CD203": ({"origin": APP, "method": "PUT"}, ALLOW_APP),
    "CD204": (
        {"origin": APP, "method": "POST", "headers": (("Content-Type", "application/json"),)},
        (*ALLOW_APP, ("Access-Control-Allow-Methods", "POST")),
    ),
    "CD205": ({"origin": APP, "method": "PUT"}, ALLOW_APP),
    "CD206": (
        {
            "origin": APP,
            "method": "POST",
            "headers": (("Authorization", "Bearer t"), ("Content-Type", "application/json")),
        },
        (*ALLOW_APP, ("Access-Control-Allow-Methods", "POST")),
    ),
    "CD301": ({"origin": APP}, ()),
    "CD302": ({"origin": APP}, (("Vary", "Origin"),)),
    "CD303": ({"origin": APP}, (("Vary", "Origin"),)),
    "CD304": ({"origin": LOCAL}, (("Vary", "Origin"),)),
    "CD305": ({"origin": APP, "credentials": True}, (("Vary", "Origin"),)),
    "CD306": ({"origin": APP, "credentials": True}, ALLOW_APP),
    "CD307": ({"origin": "null"}, (("Vary", "Origin"),)),  # a sandboxed page: the fix refuses it
    "CD502": ({"origin": APP}, ()),
    "CD609": ({"origin": APP, "credentials": True}, (("Vary", "Origin"),)),
    "CD612": ({"origin": LOCAL, "credentials": True}, (("Vary", "Origin"),)),
}


def _example_reply(text: str, base: tuple[tuple[str, str], ...]) -> tuple[int | None, tuple[tuple[str, str], ...]]:
    """(status, headers) of an example: the part after a blank line if there is one; the
    example's header names replace the base reply's."""
    reply = text.split("\n\n", 1)[-1]
    status = None
    lines: list[tuple[str, str]] = []
    for line in reply.splitlines():
        if line.startswith("HTTP/"):
            status = int(line.split()[1])
        else:
            name, _, value = line.partition(":")
            lines.append((name.strip(), value.strip()))
    named = {name.lower() for name, _ in lines}
    return status, tuple(h for h in base if h[0].lower() not in named) + tuple(lines)


def _judge(code: str, example: str):
    from cors_doctor.diagnosis import diagnose
    from cors_doctor.model import RequestSpec, Response
    from cors_doctor.pipeline import CheckOptions, drive, prepare

    request, base = EXAMPLE_CASES[code]
    status, headers = _example_reply(example, base)
    methods = ("Access-Control-Allow-Methods", request.get("method", "GET"))
    allow_headers = ("Access-Control-Allow-Headers", ", ".join(n for n, _ in request.get("headers", ())))

    def exchange(outgoing):
        if outgoing.kind == "preflight":
            named = {n.lower() for n, _ in headers}
            extra = tuple(h for h in (methods, allow_headers) if h[0].lower() not in named and h[1])
            return Response(status or 204, headers + extra)
        return Response(status or 200, headers)

    options = CheckOptions(actual=True)
    spec = RequestSpec(url="https://api.example.com/items", **request)
    return diagnose(drive(prepare(spec, options), exchange, options)).verdict


@pytest.mark.parametrize("code", sorted(EXAMPLE_CASES))
def test_a_pages_failing_example_fails_with_its_code_and_the_fixed_one_does_not(code):
    rule = RULES[code]
    failing = _judge(code, rule.failing)
    assert code in {f.code for f in failing.findings}, (code, [(f.code, f.message) for f in failing.findings])
    if rule.severity == "error":
        assert not failing.allowed
    if code == "CD612":
        return  # its "fixed example" is the command that asks the one more question
    fixed = _judge(code, rule.fixed)
    assert code not in {f.code for f in fixed.findings}, (code, [(f.code, f.message) for f in fixed.findings])
    if code != "CD307":  # allowing null was the problem: after the fix the null page is refused
        assert fixed.allowed, (code, [(f.code, f.message) for f in fixed.findings])
