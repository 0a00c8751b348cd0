"""Reading a policy file: TOML in, validated checks out, every problem with its place.

Every problem names its place (`policy.toml:12: check #3 'orders': ...`) so a CI log is enough
to fix the file. All problems are collected before reporting, because a CI round trip is slow.
tomllib gives positions only for syntax errors, so the lines of tables and keys are found by a
light scan of the text (_Lines).
"""

from __future__ import annotations

import math
import re
from typing import Any

from cors_doctor.ci.policy import DEFAULT_TIMEOUT, Case, Expectation, Policy, PolicyCheck, PolicyError
from cors_doctor.errors import UsageError
from cors_doctor.model import BROWSERS, Browser, Headers

_TOP_KEYS = ("version", "app", "app_dir", "defaults", "check")
# Paths of a policy that names an application (app = "main:app") and no base_url live here.
_APP_BASE = "http://testserver"
_DEFAULT_KEYS = ("origins", "browser", "timeout", "headers", "credentials", "base_url")
_CHECK_KEYS = (
    "name",
    "url",
    "urls",
    "path",
    "paths",
    "base_url",
    "origins",
    "method",
    "headers",
    "credentials",
    "actual",
    "body",
    "browser",
    "timeout",
    "expect",
    "max_age_at_least",
    "exposed_headers",
    "vary_origin",
)


def load_policy(path: str) -> Policy:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read the policy file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{path}: not UTF-8 text (byte {exc.start}); TOML files are UTF-8"]) from None
    return parse_policy(text, path)


def parse_policy(text: str, source: str = "policy.toml") -> Policy:
    """Validate a policy; raise PolicyError listing every problem found."""
    return validate(text, source)


def validate(text: str, source: str) -> Policy:
    """Parse and validate; raise PolicyError listing every problem found."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([_syntax_problem(str(exc), text, source)]) from None
    return _Validator(data, _Lines(text), source).policy()


def _syntax_problem(message: str, text: str, source: str) -> str:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return f"{source}:{match[1]}:{match[2]}: invalid TOML: {message[: match.start()]}"
    if message.endswith("(at end of document)"):
        line = max(1, len(text.rstrip("\n").splitlines()))
        return (
            f"{source}:{line}: invalid TOML: {message.removesuffix(' (at end of document)')} (at the end of the file)"
        )
    return f"{source}: invalid TOML: {message}"


class _Lines:
    """Line numbers of [defaults], each [[check]] and the keys inside them (1-based)."""

    _HEADER = re.compile(r"\s*\[(\[)?\s*([A-Za-z0-9_.\-\" ]+?)\s*\]")
    _KEY = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]")

    def __init__(self, text: str) -> None:
        self.sections: dict[Any, int] = {}
        self.keys: dict[tuple[Any, str], int] = {}
        section: Any = "top"
        checks = 0
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                name = header[2].replace('"', "").replace(" ", "")
                table, _, key = name.partition(".")
                if header[1] and name == "check":
                    checks += 1
                    section = ("check", checks)
                elif table in ("defaults", "check") and key:  # [defaults.headers], [check.headers]
                    section = "defaults" if table == "defaults" else ("check", checks)
                    self.keys.setdefault((section, key.split(".")[0]), number)
                    continue
                else:
                    section = table if table == "defaults" else ("table", name)
                self.sections.setdefault(section, number)
                self.keys.setdefault(("top", table), number)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((section, next(k for k in key.groups() if k is not None)), number)

    def of(self, section: Any, key: str | None = None) -> int | None:
        if key is not None and (section, key) in self.keys:
            return self.keys[(section, key)]
        return self.sections.get(section)


class _Validator:
    def __init__(self, data: dict[str, Any], lines: _Lines, source: str) -> None:
        self.data = data
        self.lines = lines
        self.source = source
        self.problems: list[str] = []
        self.on_app = False  # the check being read has paths on the policy's application

    def problem(self, section: Any, key: str | None, where: str, message: str) -> None:
        line = self.lines.of(section, key)
        place = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{place}: {where}: {message}")

    def policy(self) -> Policy:
        for key in self.data:
            if key not in _TOP_KEYS:
                self.problem("top", key, "top level", _unknown(key, _TOP_KEYS))
        version = self.data.get("version", 1)
        if version != 1 or isinstance(version, bool):
            self.problem(
                "top",
                "version",
                "top level",
                f"version = {version!r} is not supported; this cors-doctor reads version = 1",
            )
        app, app_dir = self._app()
        defaults = self._defaults(self.data.get("defaults", {}))
        if app is not None:
            defaults.setdefault("base_url", _APP_BASE)
        entries = self.data.get("check")
        if entries is None:
            self.problems.append(f"{self.source}: no checks: add at least one [[check]] table")
            entries = []
        elif not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.problem("top", "check", "top level", "'check' must be an array of tables, written [[check]]")
            entries = []
        checks = [self._check(number, entry, defaults) for number, entry in enumerate(entries, 1)]
        self._unique_names([c for c in checks if c is not None], entries)
        if self.problems:
            unique = list(dict.fromkeys(self.problems))  # a bad default is reported once
            raise PolicyError(sorted(unique, key=_line_of))
        return Policy(self.source, tuple(c for c in checks if c is not None), app, app_dir)

    def _app(self) -> tuple[str | None, str | None]:
        """`app = "main:app"` (and `app_dir`): every check runs against that application in-process."""
        from cors_doctor.app_import import check_import_string

        app, app_dir = self.data.get("app"), self.data.get("app_dir")
        if app is not None:
            if not isinstance(app, str):
                self.problem(
                    "top", "app", "top level", f'app must be an import string such as "main:app", not {_type(app)}'
                )
                app = None
            else:
                try:
                    check_import_string(app, "app =")
                except UsageError as exc:
                    self.problem("top", "app", "top level", str(exc))
        if app_dir is not None and (not isinstance(app_dir, str) or app is None):
            self.problem("top", "app_dir", "top level", "app_dir must be a directory (a string) and goes with app")
            app_dir = None
        return app, app_dir

    # -- [defaults] ----------------------------------------------------------------------

    def _defaults(self, table: Any) -> dict[str, Any]:
        if not isinstance(table, dict):
            self.problem("top", "defaults", "[defaults]", "must be a table, written [defaults]")
            return {}
        for key in table:
            if key not in _DEFAULT_KEYS:
                hint = " (it belongs in a [[check]])" if key in _CHECK_KEYS else ""
                self.problem("defaults", key, "[defaults]", _unknown(key, _DEFAULT_KEYS) + hint)
        return {k: v for k, v in table.items() if k in _DEFAULT_KEYS}

    # -- [[check]] -----------------------------------------------------------------------

    def _check(self, number: int, entry: dict[str, Any], defaults: dict[str, Any]) -> PolicyCheck | None:
        section = ("check", number)
        name = entry.get("name")
        where = f"check #{number} {name!r}" if isinstance(name, str) and name.strip() else f"check #{number}"
        before = len(self.problems)

        def bad(key: str | None, message: str) -> None:
            self.problem(section, key, where, message)

        def dbad(key: str, message: str) -> None:  # a default applied to this check
            self.problem("defaults", key, "[defaults]", message)

        misspelled: set[str] = set()  # keys an unknown key probably meant: no "missing" for those
        for key in entry:
            if key not in _CHECK_KEYS:
                bad(key, _unknown(key, _CHECK_KEYS))
                misspelled.update(_close(key, _CHECK_KEYS))
        if "name" in entry and not (isinstance(name, str) and name.strip()):
            bad("name", "name must be a non-empty string")

        def setting(key: str, check_type, default: Any = None) -> Any:
            if key in entry:
                return check_type(entry[key], lambda m: bad(key, f"{key} {m}"))
            if key in defaults:
                return check_type(defaults[key], lambda m: dbad(key, f"{key} {m}"))
            return default

        method = setting("method", _string, "GET")
        headers = _merge_headers(
            _headers(defaults.get("headers", {}), lambda m: dbad("headers", m)) if "headers" in defaults else (),
            _headers(entry["headers"], lambda m: bad("headers", m)) if "headers" in entry else (),
        )
        credentials = setting("credentials", _boolean, False)
        actual = _boolean(entry.get("actual", False), lambda m: bad("actual", f"actual {m}"))
        body = _string(entry["body"], lambda m: bad("body", f"body {m}")) if "body" in entry else None
        browser = setting("browser", _browser, "chrome")
        timeout = setting("timeout", _positive_number, DEFAULT_TIMEOUT)
        origins = self._origins(entry, defaults, bad, dbad)
        self.on_app = False
        urls = self._urls(entry, defaults, bad, misspelled)
        expect = self._expectation(entry, bad, misspelled)
        if len(self.problems) > before or expect is None:
            return None
        check = PolicyCheck(
            number,
            name.strip() if isinstance(name, str) else _derived_name(method, entry, urls),
            self.lines.of(section),
            urls,
            origins,
            method,
            headers,
            credentials,
            actual,
            body,
            browser,
            float(timeout),
            expect,
            on_app=self.on_app,
        )
        self._against_plans(check, bad)
        return check if len(self.problems) == before else None

    def _origins(self, entry, defaults, bad, dbad) -> tuple[str, ...]:
        from cors_doctor.origin import parse_origin

        if "origins" in entry:
            value, report = entry["origins"], lambda m: bad("origins", m)
        elif "origins" in defaults:
            value, report = defaults["origins"], lambda m: dbad("origins", m)
        else:
            bad(None, 'no origins: set origins = ["https://app.example.com"] in the check or in [defaults]')
            return ()
        items = _string_list(value, "origins", report)
        for position, origin in enumerate(items):
            try:
                parse_origin(origin)
            except UsageError as exc:
                report(f"origins[{position}]: {str(exc).removeprefix('--origin ')}")
        return tuple(o.strip() for o in items)

    def _urls(self, entry, defaults, bad, misspelled) -> tuple[str, ...]:
        from cors_doctor.origin import normalize_url

        given = [k for k in ("url", "urls", "path", "paths") if k in entry]
        if not given:
            if not misspelled & {"url", "urls", "path", "paths"}:
                bad(
                    None,
                    'missing url: give url = "https://api.example.com/items", urls = [...], or paths = [...] with base_url',
                )
            return ()
        if len(given) > 1:
            bad(given[1], f"give only one of url, urls, path and paths (found {', '.join(given)})")
            return ()
        key = given[0]
        report = lambda m: bad(key, m)  # noqa: E731
        if key in ("url", "path"):
            values = [entry[key]] if isinstance(entry[key], str) else []
            if not values:
                report(f"{key} must be a string, not {_type(entry[key])}")
        else:
            values = _string_list(entry[key], key, report)
        if key in ("path", "paths"):
            base = entry.get("base_url", defaults.get("base_url"))
            if base is None:
                bad(key, f"{key} needs base_url (in the check or in [defaults]) to build URLs from")
                return ()
            if not isinstance(base, str) or not base.strip():
                bad("base_url", f'base_url must be a URL string such as "https://api.example.com", not {base!r}')
                return ()
            if "?" in base or "#" in base:
                bad("base_url", f"base_url {base!r} must not have a query or fragment")
                return ()
            for path in values:
                if isinstance(path, str) and not path.startswith("/"):
                    report(f"path {path!r} must start with '/'")
            values = [base.strip().rstrip("/") + p for p in values if isinstance(p, str)]
            self.on_app = base == _APP_BASE and "app" in self.data
        elif "base_url" in entry:
            bad("base_url", f"base_url applies to path/paths, not to {key}")
        urls = []
        for value in values:
            if not isinstance(value, str):
                continue
            try:
                urls.append(normalize_url(value))
            except UsageError as exc:
                report(str(exc))
        return tuple(urls)

    def _expectation(self, entry, bad, misspelled) -> Expectation | None:
        if "expect" not in entry:
            if "expect" not in misspelled:
                bad(
                    None,
                    'missing expect: write expect = "allow" (the browser must let script read the reply) or "block"',
                )
            return None
        verdict = entry["expect"]
        if verdict not in ("allow", "block"):
            bad("expect", f'expect = {verdict!r}: choose "allow" or "block"')
            return None
        max_age = entry.get("max_age_at_least")
        if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0):
            bad("max_age_at_least", f"max_age_at_least must be a whole number of seconds ≥ 0, not {max_age!r}")
        exposed = _string_list(
            entry.get("exposed_headers", []), "exposed_headers", lambda m: bad("exposed_headers", m), allow_empty=True
        )
        vary = _boolean(entry.get("vary_origin", False), lambda m: bad("vary_origin", f"vary_origin {m}"))
        if verdict == "block":
            for key in ("max_age_at_least", "exposed_headers"):
                if key in entry:
                    bad(key, f'{key} only applies to expect = "allow" (a blocked reply has nothing to read)')
        return Expectation(
            verdict, max_age if isinstance(max_age, int) else None, tuple(h.strip() for h in exposed), bool(vary)
        )

    def _against_plans(self, check: PolicyCheck, bad) -> None:
        """Build the plan of each distinct (target origin, page origin) pair: it validates method,
        headers and body like fetch() does, and says whether the expectations can be verified."""
        from cors_doctor.plan import build_plan, only_the_actual_request_tells

        # URLs are normalized (scheme://host[:port]/path), so their first three "/" parts are the origin.
        targets = {tuple(url.split("/", 3)[:3]): url for url in reversed(check.urls)}
        for url in targets.values():
            for origin in check.origins:
                try:
                    plan = build_plan(Case(0, check, url, origin).spec())
                except UsageError as exc:
                    message = str(exc).replace("drop --data", "drop body")
                    return bad(_key_named_in(message), message)
                method = plan.method
                if plan.same_origin:
                    continue
                if check.preflight_only and only_the_actual_request_tells(plan):
                    return bad(
                        "method",
                        f"a {method} with these headers needs no preflight, so the {method} itself is the only "
                        "request to check: set actual = true to send it (it may change data on the server)",
                    )
                if check.expect.max_age_at_least is not None and not plan.preflight_required:
                    return bad(
                        "max_age_at_least",
                        f"max_age_at_least needs a preflighted request, but this {method} is "
                        "CORS-safelisted (no preflight is sent)",
                    )
                if check.preflight_only and (check.expect.exposed_headers or check.expect.vary_origin):
                    key = "exposed_headers" if check.expect.exposed_headers else "vary_origin"
                    return bad(
                        key, f"{key} is judged on the actual reply, which a {method} check gets only with actual = true"
                    )

    def _unique_names(self, checks: list[PolicyCheck], entries: list[dict[str, Any]]) -> None:
        seen: dict[str, int] = {}
        for check in checks:
            explicit = isinstance(entries[check.number - 1].get("name"), str)
            if check.name in seen and explicit:
                self.problem(
                    ("check", check.number),
                    "name",
                    f"check #{check.number} {check.name!r}",
                    f"the name is already used by check #{seen[check.name]}; names identify checks in reports",
                )
            seen.setdefault(check.name, check.number)


# -- value checks: each returns the value (or a safe stand-in) and reports what is wrong ---


def _close(key: str, known: tuple[str, ...]) -> list[str]:
    import difflib

    return difflib.get_close_matches(key, known, n=1)


def _unknown(key: str, known: tuple[str, ...]) -> str:
    close = _close(key, known)
    return f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(known)}")


def _string(value: Any, report) -> str:
    if not isinstance(value, str):
        report(f"must be a string, not {_type(value)}")
        return ""
    return value


def _boolean(value: Any, report) -> bool:
    if not isinstance(value, bool):
        report(f"must be true or false, not {_type(value)}")
        return False
    return value


def _positive_number(value: Any, report) -> float:
    # TOML has nan and inf; neither is a time to wait (nan compares false with everything).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        report(f"must be a positive, finite number of seconds, not {value!r}")
        return DEFAULT_TIMEOUT
    return float(value)


def _browser(value: Any, report) -> Browser:
    if not isinstance(value, str) or value.strip().lower() not in BROWSERS:
        report(f"= {value!r}: choose {', '.join(BROWSERS)}")
        return "chrome"
    return value.strip().lower()  # type: ignore[return-value]


def _string_list(value: Any, key: str, report, allow_empty: bool = False) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report(f'{key} must be a list of strings, e.g. {key} = ["..."], not {_type(value)}')
        return []
    if not value and not allow_empty:
        report(f"{key} is empty")
    return value


def _headers(value: Any, report) -> Headers:
    """Headers as a table {Name = "value"} or a list of "Name: value" strings."""
    if isinstance(value, dict):
        pairs = []
        for name, item in value.items():
            if not isinstance(item, str):
                report(f"headers.{name} must be a string, not {_type(item)}")
            else:
                pairs.append((name, item))
        return tuple(pairs)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        pairs = []
        for line in value:
            name, sep, item = line.partition(":")
            if not sep or not name.strip() or name != name.strip():
                report(f"headers entry {line!r} is not 'Name: value'")
            else:
                pairs.append((name, item.strip(" \t")))
        return tuple(pairs)
    report(
        f'headers must be a table ({{ "X-Requested-With" = "fetch" }}) or a list of "Name: value", not {_type(value)}'
    )
    return ()


def _merge_headers(defaults: Headers, own: Headers) -> Headers:
    replaced = {name.lower() for name, _ in own}
    return tuple(h for h in defaults if h[0].lower() not in replaced) + own


def _derived_name(method: str, entry: dict[str, Any], urls: tuple[str, ...]) -> str:
    target = entry.get("path") or (entry.get("paths") or [None])[0] or (urls[0] if urls else "")
    more = len(urls) - 1
    return f"{method} {target}" + (f" (+{more} more)" if more > 0 else "")


def _key_named_in(message: str) -> str | None:
    """Which key of the check a plan error is about, to point at its line."""
    lowered = message.lower()
    for key, words in (("headers", ("header",)), ("body", ("body",)), ("method", ("method",))):
        if any(w in lowered for w in words):
            return key
    return None


def _line_of(problem: str) -> int:
    match = re.match(r"[^:]*:(\d+)", problem)
    return int(match[1]) if match else 1 << 30


def _type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)
