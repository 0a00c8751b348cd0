"""Record the HAR fixtures from real headless Chromium: `python -m tests.har.record [--out DIR]`.

One page of tests/har/site.py calls the loopback API (every CALL, then an image), in one browser
context, recorded two ways at once:

    playwright.har      Playwright's own recorder (`new_context(record_har_path=...)`): it leaves
                        preflights out, and a request the browser blocked has status -1, no
                        response headers and `_failureText: net::ERR_FAILED`.
    chromium-cdp.har    built from Chromium's DevTools-protocol Network events, in the layout of a
                        DevTools "Save all as HAR" export: each preflight is an entry of its own
                        (`_resourceType: preflight`), a blocked request has status 0, no response
                        headers and `_error: net::ERR_FAILED`.
    origins.json        the page and API origins of this recording, so tests can move them to the
                        ports of a freshly started copy of the site.

Needs /usr/bin/chromium (or CORS_DOCTOR_CHROMIUM) and the playwright package; never runs
`playwright install`. Exit 2 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tests.har"

from .site import Site

CHROMIUM = os.environ.get("CORS_DOCTOR_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE_TIMEOUT_MS = 20_000


def _header_list(headers: dict | None) -> list[dict]:
    """CDP joins repeated header lines with a newline; a HAR lists each line."""
    out = []
    for name, value in (headers or {}).items():
        for line in str(value).split("\n"):
            out.append({"name": name, "value": line})
    return out


def _iso(wall_time: float) -> str:
    return datetime.fromtimestamp(wall_time, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DevToolsHar:
    """Collects CDP Network events of one page and writes them as HAR entries, one per hop."""

    def __init__(self, page_url: str, version: str) -> None:
        self.page_url = page_url
        self.version = version
        self.started: str | None = None
        self.entries: list[dict] = []
        self._open: dict[str, dict] = {}
        self._extra: dict[str, list[dict]] = {}

    def on_request(self, p: dict) -> None:
        rid = p["requestId"]
        if p.get("redirectResponse") and rid in self._open:
            hop = self._open.pop(rid)
            hop["response"] = p["redirectResponse"]
            hop["redirect"] = p["request"]["url"]
            self._finish(hop, p["timestamp"])
        if self.started is None:
            self.started = _iso(p["wallTime"])
        self._open[rid] = {"p": p, "extra": None, "response": None, "error": None, "redirect": ""}
        self._attach_extra(rid)

    def on_extra(self, p: dict) -> None:
        self._extra.setdefault(p["requestId"], []).append(p)
        self._attach_extra(p["requestId"])

    def _attach_extra(self, rid: str) -> None:
        hop = self._open.get(rid)
        if hop is not None and hop["extra"] is None and self._extra.get(rid):
            hop["extra"] = self._extra[rid].pop(0)

    def on_response(self, p: dict) -> None:
        if p["requestId"] in self._open:
            self._open[p["requestId"]]["response"] = p["response"]

    def on_finished(self, p: dict) -> None:
        hop = self._open.pop(p["requestId"], None)
        if hop is not None:
            self._finish(hop, p["timestamp"])

    def on_failed(self, p: dict) -> None:
        hop = self._open.pop(p["requestId"], None)
        if hop is not None:
            hop["error"] = p.get("errorText") or "net::ERR_FAILED"
            hop["response"] = None  # DevTools keeps no reply for a request it reports as failed
            self._finish(hop, p["timestamp"])

    def _finish(self, hop: dict, end: float) -> None:
        p, request, response = hop["p"], hop["p"]["request"], hop["response"]
        headers = hop["extra"]["headers"] if hop["extra"] else request.get("headers", {})
        post = request.get("postData")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        entry = {
            "_initiator": {k: v for k, v in p.get("initiator", {}).items() if k in ("type", "url", "requestId")},
            "_priority": request.get("initialPriority"),
            # DevTools files a request its initiator marks as a preflight under the type "preflight"
            "_resourceType": "preflight"
            if p.get("initiator", {}).get("type") == "preflight"
            else str(p.get("type", "other")).lower(),
            "cache": {},
            "pageref": "page_1",
            "request": {
                "method": request["method"],
                "url": request["url"],
                "httpVersion": (response or {}).get("protocol", "http/1.1") or "http/1.1",
                "headers": _header_list(headers),
                "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(request["url"]).query)],
                "cookies": [],
                "headersSize": -1,
                "bodySize": len(post.encode()) if post else 0,
                **({"postData": {"mimeType": content_type, "text": post}} if post is not None else {}),
            },
            "response": {
                "status": response["status"] if response else 0,
                "statusText": response.get("statusText", "") if response else "",
                "httpVersion": response.get("protocol", "") if response else "",
                "headers": _header_list(response.get("headers")) if response else [],
                "cookies": [],
                "content": {"size": 0, "mimeType": (response or {}).get("mimeType", "x-unknown") or "x-unknown"},
                "redirectURL": hop["redirect"],
                "headersSize": -1,
                "bodySize": -1,
                "_transferSize": 0,
                "_error": hop["error"],
            },
            "serverIPAddress": (response or {}).get("remoteIPAddress", ""),
            "startedDateTime": _iso(p["wallTime"]),
            "time": round(max(0.0, end - p["timestamp"]) * 1000, 3),
            "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0},
        }
        self.entries.append(entry)

    def har(self) -> dict:
        self.entries.sort(key=lambda e: e["startedDateTime"])
        return {
            "log": {
                "version": "1.2",
                "creator": {"name": "cors-doctor tests/har/record.py (Chromium DevTools protocol)", "version": "1"},
                "browser": {"name": "Chromium", "version": self.version},
                "pages": [
                    {
                        "startedDateTime": self.started,
                        "id": "page_1",
                        "title": self.page_url,
                        "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                    }
                ],
                "entries": self.entries,
            }
        }


async def record(out: Path) -> dict:
    from playwright.async_api import async_playwright

    out.mkdir(parents=True, exist_ok=True)
    with Site() as site:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=30_000
            )
            try:
                context = await browser.new_context(
                    record_har_path=str(out / "playwright.har"), record_har_content="omit"
                )
                page = await context.new_page()
                cdp = await context.new_cdp_session(page)
                devtools = DevToolsHar(site.page + "/", browser.version)
                for event, handler in (
                    ("requestWillBeSent", devtools.on_request),
                    ("requestWillBeSentExtraInfo", devtools.on_extra),
                    ("responseReceived", devtools.on_response),
                    ("loadingFinished", devtools.on_finished),
                    ("loadingFailed", devtools.on_failed),
                ):
                    cdp.on(f"Network.{event}", handler)
                await cdp.send("Network.enable")
                await page.goto(site.page + "/", timeout=PAGE_TIMEOUT_MS)
                await page.wait_for_function("window.done === true", timeout=PAGE_TIMEOUT_MS)
                await asyncio.sleep(0.5)  # let the last loadingFinished events arrive
                await context.close()  # writes playwright.har
            finally:
                await browser.close()
        (out / "chromium-cdp.har").write_text(json.dumps(devtools.har(), indent=1) + "\n", encoding="utf-8")
        origins = {"page": site.page, "api": site.api, "chromium": browser.version}
        (out / "origins.json").write_text(json.dumps(origins, indent=1) + "\n", encoding="utf-8")
    return origins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FIXTURES, help="directory for the HAR files")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    origins = asyncio.run(record(args.out))
    print(f"recorded Chromium {origins['chromium']}: page {origins['page']}, API {origins['api']} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
