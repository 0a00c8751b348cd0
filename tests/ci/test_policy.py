"""Policy files: what a valid one expands to, and how each kind of mistake is reported."""

from __future__ import annotations

import pytest

from cors_doctor.ci import PolicyError, Shard, parse_policy, parse_shard
from cors_doctor.errors import UsageError

VALID = """\
version = 1

[defaults]
origins = ["https://app.example.com", "http://localhost:5173"]
timeout = 4
base_url = "https://api.example.com/v1/"
headers = { "X-Requested-With" = "XMLHttpRequest", "X-Client" = "web" }

[[check]]
name = "items"
paths = ["/items", "/items/42"]
expect = "allow"
max_age_at_least = 600

[[check]]
url = "https://api.example.com/v1/me"
origins = ["https://evil.example", "null"]
headers = ["x-client: mobile"]
expect = "block"

[[check]]
name = "delete"
path = "/items/42"
method = "DELETE"
credentials = true
browser = "firefox"
timeout = 1.5
expect = "allow"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.toml")
    return list(info.value.problems)


def test_valid_policy_applies_defaults_and_expands_cases() -> None:
    policy = parse_policy(VALID, "p.toml")
    items, me, delete = policy.checks
    assert items.urls == ("https://api.example.com/v1/items", "https://api.example.com/v1/items/42")
    assert items.origins == ("https://app.example.com", "http://localhost:5173")
    assert items.timeout == 4.0 and items.line == 9 and items.expect.max_age_at_least == 600
    # a check's header replaces the default of the same name (any case); the others stay
    assert me.headers == (("X-Requested-With", "XMLHttpRequest"), ("x-client", "mobile"))
    assert me.name == "GET https://api.example.com/v1/me" and me.expect.verdict == "block"
    assert me.origins == ("https://evil.example", "null")
    assert (delete.method, delete.credentials, delete.browser, delete.timeout) == ("DELETE", True, "firefox", 1.5)
    assert delete.preflight_only and not items.preflight_only
    assert policy.case_count == 4 + 2 + 2
    cases = list(policy.cases())
    assert [c.index for c in cases] == list(range(8))
    assert [(c.check.name, c.url, c.origin) for c in cases[:3]] == [
        ("items", "https://api.example.com/v1/items", "https://app.example.com"),
        ("items", "https://api.example.com/v1/items", "http://localhost:5173"),
        ("items", "https://api.example.com/v1/items/42", "https://app.example.com"),
    ]


@pytest.mark.parametrize("total", range(1, 8))
def test_shards_partition_the_cases_deterministically(total: int) -> None:
    policy = parse_policy(VALID, "p.toml")
    everything = [c.index for c in policy.cases()]
    parts = [[c.index for c in policy.cases(Shard(k, total))] for k in range(1, total + 1)]
    assert sorted(i for part in parts for i in part) == everything  # each case exactly once
    assert max(map(len, parts)) - min(map(len, parts)) <= 1  # balanced
    assert [len(p) for p in parts] == [Shard(k, total).size(policy.case_count) for k in range(1, total + 1)]
    assert parts == [[c.index for c in policy.cases(Shard(k, total))] for k in range(1, total + 1)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("3/2", "K must be between 1 and N"),
        ("0/3", "K must be between 1 and N"),
        ("1/0", "between 1 and N"),
        ("x", "is not K/N"),
        ("1/2/3", "is not K/N"),
        ("", "is not K/N"),
    ],
)
def test_bad_shards(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_shard(text)


def test_syntax_error_gives_line_and_column() -> None:
    assert problems('version = 1\n[[check]]\nurl = "http://a.example"\nexpect = allow\n') == [
        "p.toml:4:10: invalid TOML: Invalid value"
    ]


def test_unknown_keys_name_the_entry_line_and_a_suggestion() -> None:
    found = problems(
        '[defaults]\norigins = ["https://a.example"]\nmethod = "GET"\n'
        '[[check]]\nurl = "https://api.example/"\nexpct = "allow"\n'
        '[[checks]]\nurl = "x"\n'
    )
    assert found == [
        "p.toml:3: [defaults]: unknown key 'method'; known keys: origins, browser, timeout, headers, credentials, "
        "base_url (it belongs in a [[check]])",
        "p.toml:6: check #1: unknown key 'expct' (did you mean 'expect'?)",  # and no "missing expect" on top
        "p.toml:7: top level: unknown key 'checks' (did you mean 'check'?)",
    ]


def test_wrong_types_are_reported_with_the_key_line() -> None:
    found = problems(
        '[defaults]\norigins = "https://a.example"\ntimeout = "5"\n'
        '[[check]]\nname = "api"\nurl = 42\nexpect = "allow"\ncredentials = "yes"\nmax_age_at_least = -1\n'
    )
    assert 'p.toml:2: [defaults]: origins must be a list of strings, e.g. origins = ["..."], not a string' in found
    assert "p.toml:3: [defaults]: timeout must be a positive, finite number of seconds, not '5'" in found
    assert "p.toml:6: check #1 'api': url must be a string, not a number" in found
    assert "p.toml:8: check #1 'api': credentials must be true or false, not a string" in found
    assert "p.toml:9: check #1 'api': max_age_at_least must be a whole number of seconds ≥ 0, not -1" in found


def test_missing_url_and_missing_base_url() -> None:
    assert problems('[[check]]\norigins = ["https://a.example"]\nexpect = "allow"\n') == [
        'p.toml:1: check #1: missing url: give url = "https://api.example.com/items", urls = [...], '
        "or paths = [...] with base_url"
    ]
    assert problems('[[check]]\npaths = ["/a"]\norigins = ["https://a.example"]\nexpect = "allow"\n') == [
        "p.toml:2: check #1: paths needs base_url (in the check or in [defaults]) to build URLs from"
    ]


def test_bad_origins_are_each_named() -> None:
    found = problems(
        '[[check]]\nname = "o"\nurl = "https://api.example/"\n'
        'origins = ["a.example", "https://b.example/", "ftp://c.example"]\nexpect = "block"\n'
    )
    # the reason itself is origin.parse_origin's wording; this file adds the place and the entry
    assert len(found) == 3
    for index, (value, reason) in enumerate(
        [
            ("a.example", "has no scheme"),
            ("https://b.example/", "trailing slash"),
            ("ftp://c.example", "is not http or https"),
        ]
    ):
        assert found[index].startswith(f"p.toml:4: check #1 'o': origins[{index}]: '{value}'"), found[index]
        assert reason in found[index] and "--origin" not in found[index]


def test_a_bad_default_is_reported_once() -> None:
    text = '[defaults]\norigins = ["nope"]\n' + '[[check]]\nurl = "https://api.example/"\nexpect = "allow"\n' * 3
    assert len([p for p in problems(text) if "nope" in p]) == 1


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            'method = "POST"\nexpect = "allow"',
            "a POST with these headers needs no preflight, so the POST itself is the only request to check: set actual = true",
        ),
        (
            'expect = "allow"\nmax_age_at_least = 60',
            "max_age_at_least needs a preflighted request, but this GET is CORS-safelisted",
        ),
        (
            'method = "PUT"\nexpect = "allow"\nexposed_headers = ["X-Id"]',
            "exposed_headers is judged on the actual reply, which a PUT check gets only with actual = true",
        ),
        ('expect = "block"\nexposed_headers = ["X-Id"]', 'exposed_headers only applies to expect = "allow"'),
        ('expect = "maybe"', 'expect = \'maybe\': choose "allow" or "block"'),
        ('expect = "allow"\nbrowser = "edge"', "browser = 'edge': choose chrome, firefox, safari"),
        ('expect = "allow"\nheaders = { "Bad Name" = "1" }', "invalid header name 'Bad Name'"),
        (
            'expect = "allow"\nbody = "{}"',
            "fetch() refuses a body with GET (TypeError); drop body or use another method",
        ),
        ('expect = "allow"\nurls = ["https://api.example/a"]', "give only one of url, urls, path and paths"),
    ],
)
def test_expectations_that_cannot_be_verified_are_refused(entry: str, message: str) -> None:
    found = problems(f'[[check]]\nurl = "https://api.example/x"\norigins = ["https://a.example"]\n{entry}\n')
    assert len(found) == 1 and found[0].startswith("p.toml:") and "check #1" in found[0], found
    assert message in found[0]


def test_duplicate_names_and_versions() -> None:
    entry = (
        '[[check]]\nname = "same"\nurl = "https://api.example/"\norigins = ["https://a.example"]\nexpect = "allow"\n'
    )
    assert problems("version = 2\n" + entry + entry) == [
        "p.toml:1: top level: version = 2 is not supported; this cors-doctor reads version = 1",
        "p.toml:8: check #2 'same': the name is already used by check #1; names identify checks in reports",
    ]
    assert problems("version = 1\n") == ["p.toml: no checks: add at least one [[check]] table"]
