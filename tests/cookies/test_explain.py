"""`cors-doctor explain` on the cookie messages browsers print (Chrome DevTools texts, Firefox console).

The Firefox lines recorded from the real browser are checked in test_engines.py; these are the
Chrome DevTools texts (Network panel > Cookies, Issues panel), which the live suite cannot read
as text, and the command line end to end.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cors_doctor.explain.recognise import explain

CHROME = [
    (
        'This attempt to set a cookie via a `Set-Cookie` header didn\'t specify a "`SameSite`" attribute and was '
        'defaulted to "`SameSite=Lax,`" and was blocked because it came from a cross-site response which was not the '
        'response to a top-level navigation. The `Set-Cookie` had to have been set with "`SameSite=None`" to enable '
        "cross-site usage.",
        "CD808",
    ),
    (
        'This cookie didn\'t specify a "SameSite" attribute when it was stored and was defaulted to "SameSite=Lax," and '
        "was blocked because the request was made from a different site and was not initiated by a top-level "
        "navigation.",
        "CD808",
    ),
    (
        'This Set-Cookie was blocked because it had the "SameSite=Lax" attribute but came from a cross-site response '
        "which was not the response to a top-level navigation.",
        "CD807",
    ),
    (
        'This cookie was blocked because it had the "SameSite=Strict" attribute and the request was made from a '
        "different site.",
        "CD807",
    ),
    (
        'This Set-Cookie was blocked because it had the "SameSite=None" attribute but did not have the "Secure" '
        'attribute, which is required in order to use "SameSite=None".',
        "CD803",
    ),
    (
        'This attempt to set a cookie via a Set-Cookie header was blocked because it had the "Secure" attribute but '
        "was not received over a secure connection.",
        "CD804",
    ),
    (
        "This attempt to set a cookie via a Set-Cookie header was blocked because its Domain attribute was invalid "
        "with regards to the current host url.",
        "CD806",
    ),
    (
        'This attempt to set a cookie via a Set-Cookie header was blocked because it used the "__Secure-" or '
        '"__Host-" prefix in its name and broke the additional rules applied to cookies with these prefixes.',
        "CD805",
    ),
    (
        "This cookie was blocked because its path was not an exact match for or a superdirectory of the request "
        "url's path.",
        "CD812",
    ),
    ("This cookie was blocked due to user preferences.", "CD809"),
    ("This attempt to set a cookie via a Set-Cookie header was blocked due to user preferences.", "CD809"),
    (
        "Because a cookie's SameSite attribute was not set or is invalid, it defaults to SameSite=Lax, which prevents "
        "the cookie from being set in a cross-site context.",
        "CD808",
    ),
]


@pytest.mark.parametrize(("text", "code"), CHROME)
def test_chrome_devtools_cookie_texts(text, code):
    result = explain(text)
    assert [e.code for e in result.explained] == [code]
    assert result.explained[0].browser == "chrome" and result.explained[0].fix


def test_cookie_and_cors_messages_pasted_together():
    text = (
        "Cookie “sid” has been rejected because it is in a cross-site context and its “SameSite” is “Lax” or "
        "“Strict”.\nAccess to fetch at 'http://127.0.0.1:8000/me' from origin 'http://localhost:5173' has been "
        "blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    result = explain(text)
    assert [e.code for e in result.explained] == ["CD807", "CD301"]


def test_explain_command_prints_the_cookie_rule():
    line = "Cookie “sid” has been rejected for invalid domain."
    run = subprocess.run(
        [sys.executable, "-m", "cors_doctor", "explain", "--json", line], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    (item,) = json.loads(run.stdout)["explained"]
    assert (item["browser"], item["code"], item["docs"]) == (
        "firefox",
        "CD806",
        "https://cors-doctor.readthedocs.io/en/latest/rules/CD806/",
    )
