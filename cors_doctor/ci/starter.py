"""The starter policy `cors-doctor init` writes: must-allow for the front end, must-block for a
hostile origin, every key commented."""

from __future__ import annotations

DEFAULT_FILE = "cors-policy.toml"
HOSTILE_ORIGIN = "https://evil.example"  # RFC 2606 reserved name: never someone's real site


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_policy(url: str, origins: list[str], filename: str = DEFAULT_FILE) -> str:
    """The commented starter file (valid as written; `cors-doctor ci` accepts it)."""
    origin_list = ", ".join(_toml_string(o) for o in origins)
    return f"""# cors-doctor policy: which web pages may call this API from a browser, and which may not.
# Run it with:  cors-doctor ci {filename}
# Format: docs/ci.md. Exit codes: 0 all expectations hold, 1 one failed or a target was
# unreachable, 2 this file is invalid.
version = 1

[defaults]
# The origins your front end is served from (scheme://host[:port], no trailing slash).
origins = [{origin_list}]
browser = "chrome"        # chrome, firefox or safari: whose CORS rules to apply
timeout = 10              # seconds to wait for each reply
# Headers your page script sends with every request. A header outside the CORS-safelisted few
# (Authorization, X-Requested-With, Content-Type: application/json ...) makes the browser send
# a preflight (OPTIONS) first; list yours so that the checks exercise the preflight too.
# headers = {{ "X-Requested-With" = "XMLHttpRequest" }}
# base_url = "https://api.example.com"   # then write paths = ["/items", "/users/me"] in checks

[[check]]
name = "front end can read the API"
url = {_toml_string(url)}
expect = "allow"          # the browser must let page script read the reply
# method = "GET"          # for PUT/POST/DELETE only the preflight is checked unless actual = true
# credentials = true      # fetch(url, {{credentials: "include"}}): cookies, Authorization
# max_age_at_least = 600  # Access-Control-Max-Age of the preflight, in seconds (needs a preflight)
# exposed_headers = ["X-Request-Id"]  # response headers script must be able to read
vary_origin = true        # a reflected Access-Control-Allow-Origin must come with Vary: Origin

[[check]]
name = "hostile origin is refused"
url = {_toml_string(url)}
origins = [{_toml_string(HOSTILE_ORIGIN)}, "null"]  # any other site, and sandboxed iframes / file: pages
expect = "block"          # the browser must refuse to show the reply to these origins
"""
