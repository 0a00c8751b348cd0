"""Go net/http with github.com/rs/cors, compiled and run: diagnose, apply the printed snippet,
rebuild, restart, re-check.

Debian's golang-go and golang-github-rs-cors-dev (rs/cors 1.7 under /usr/share/gocode) build it
offline in GOPATH mode; nothing is downloaded. The snippet is applied as printed: its `import`
line goes among the file's imports, the rest into main() where `handler` is built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .procs import AppUnderTest

pytestmark = pytest.mark.integration

PAGE = "http://localhost:5173"
PUT_JSON = ("-X", "PUT", "--header", "Content-Type: application/json", "--data", "{}", "--actual")
GOPATH = "/usr/share/gocode"
RS_CORS = Path(GOPATH) / "src" / "github.com" / "rs" / "cors"
BUILD_TIMEOUT = 180

SERVER = """\
package main

import (
	"net/http"
)

@@IMPORTS@@

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items": [1, 2, 3]}`))
	})
	var handler http.Handler = mux

@@CORS@@

	if err := http.ListenAndServe("127.0.0.1:@@PORT@@", handler); err != nil {
		panic(err)
	}
}
"""


def go_env(cache: Path) -> dict[str, str]:
    return {"GO111MODULE": "off", "GOPATH": GOPATH, "GOCACHE": str(cache), "GOFLAGS": "", "CGO_ENABLED": "0"}


@pytest.fixture(scope="module")
def go(tmp_path_factory) -> tuple[str, dict[str, str]]:
    go = shutil.which("go")
    assert go, "go is needed for the Go tests (Debian: apt-get install -y golang-go golang-github-rs-cors-dev)"
    assert (RS_CORS / "cors.go").is_file(), "rs/cors is needed (Debian: apt-get install -y golang-github-rs-cors-dev)"
    return go, go_env(tmp_path_factory.mktemp("gocache"))


def split_snippet(snippet: str) -> dict[str, str]:
    """The printed snippet as two slots: its import lines, and the statements for main()."""
    lines = snippet.splitlines()
    imports = [line for line in lines if line.startswith("import ")]
    body = [f"\t{line}" if line else line for line in lines if not line.startswith("import ")]
    return {"imports": "\n".join(imports), "cors": "\n".join(body)}


@pytest.fixture
def go_app(serve, tmp_path, cli, go) -> AppUnderTest:
    binary, env = go

    def build_and_run(port: int, directory: Path) -> list[str]:
        built = subprocess.run(
            [binary, "build", "-o", "server", "main.go"],
            check=False,
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            env={**os.environ, **env},
        )
        assert built.returncode == 0, f"go build failed:\n{built.stderr}\n{(directory / 'main.go').read_text()}"
        return [str(directory / "server")]

    return AppUnderTest(serve, tmp_path, cli, framework="go", files={"main.go": SERVER}, argv=build_and_run)


def test_no_cors_at_all_then_the_snippet_allows_the_put(go_app):
    go_app.start()
    before = go_app.check("/api/items", PAGE, *PUT_JSON)
    assert not before.allowed and "CD301" in before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert 'import "github.com/rs/cors"' in snippet and f'[]string{{"{PAGE}"}}' in snippet
    assert '"PUT"' in snippet and "handler = c.Handler(handler)" in snippet
    after = go_app.recheck(before, "/api/items", PAGE, *PUT_JSON, **split_snippet(snippet))
    assert after.doc["preflight"]["passed"] is True


def test_authorization_missing_from_allowed_headers(go_app):
    broken = split_snippet(
        f'import "github.com/rs/cors"\n\nc := cors.New(cors.Options{{AllowedOrigins: []string{{"{PAGE}"}}}})\n'
        "handler = c.Handler(handler)"
    )
    go_app.start(**broken)
    flags = ("--header", "Authorization: Bearer t")
    before = go_app.check("/api/items", PAGE, *flags)
    assert not before.allowed and before.doc["preflight"]["passed"] is False, before.explain()
    snippet = before.fix["snippet"]
    assert "AllowedHeaders:" in snippet and "Authorization" in snippet
    go_app.recheck(before, "/api/items", PAGE, *flags, **split_snippet(snippet))


def test_default_origins_with_credentials_send_a_wildcard_browsers_refuse(go_app):
    broken = split_snippet(
        'import "github.com/rs/cors"\n\nc := cors.New(cors.Options{AllowCredentials: true})\n'
        "handler = c.Handler(handler)"
    )
    go_app.start(**broken)
    before = go_app.check("/api/items", PAGE, "--credentials")
    assert not before.allowed and "CD305" in before.codes, before.explain()
    snippet = before.fix["snippet"]
    assert "AllowCredentials: true" in snippet and f'[]string{{"{PAGE}"}}' in snippet
    after = go_app.recheck(before, "/api/items", PAGE, "--credentials", **split_snippet(snippet))
    assert "CD305" not in after.codes


def test_framework_pages_say_which_fixes_are_verified_live():
    docs = Path(__file__).resolve().parents[2] / "docs" / "frameworks"
    assert "tests/frameworks/test_go.py" in (docs / "go.md").read_text(encoding="utf-8")
    for page in ("spring.md", "aspnet.md"):
        text = (docs / page).read_text(encoding="utf-8")
        assert "Text only" in text and "not compiled" not in text.replace("do not compile", "")
