"""What the page runs for a case: one script every engine runner evaluates the same way.

`page_args(case, url)` turns a case into plain JSON data and `PAGE_JS` is the function the page
calls with it, so the case -> JavaScript translation lives here once: Chromium (Playwright's
`page.evaluate(PAGE_JS, args)`), and runners that can only run a script string
(`page_expression(args)` for an awaited expression, `page_callback_script(args)` for
WebDriver's execute_async_script) all issue the same requests.

A case runs one request, then each follow-up of `case.then` in order (the same URL, so the
preflight cache applies). Between two requests the page fetches `{page}/c/<id>/mark-<n>` from its
own origin: the server logs that under the case, so `split_log` can tell which requests each
fetch caused, whatever engine made them.

Each request is made with `fetch()` or, for `client="xhr"`, with XMLHttpRequest (`withCredentials`
for credentials, an `xhr.upload` progress listener when `upload_listener` is set). The result of
each is `{ok, status, type, headers, body}` (headers: the lowercase response header names script
can read, sorted) or `{ok: false, error, timedOut}`.
"""

from __future__ import annotations

import json

from .model import Case, Request
from .server import CaseServer, LoggedRequest

FETCH_TIMEOUT_MS = 5000
MARK_STEP = "mark-"

PAGE_JS = """
async ({url, steps, markUrl, timeoutMs, init}) => {
  if (!steps) {  // the older argument shape {url, init, timeoutMs}: one plain fetch() (fetch_init)
    steps = [{client: "fetch", method: init.method, headers: init.headers, body: init.body ?? null,
              credentials: init.credentials === "include", mode: "cors", keepalive: false}];
  }
  const names = (list) => [...new Set(list)].sort();
  const viaFetch = async (step) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const init = {method: step.method, headers: step.headers, signal: controller.signal};
    if (step.credentials) init.credentials = "include";
    if (step.body !== null) init.body = step.body;
    if (step.mode !== "cors") init.mode = step.mode;
    if (step.keepalive) init.keepalive = true;
    try {
      const response = await fetch(url, init);
      const seen = [];
      for (const [name] of response.headers) seen.push(name);
      const body = await response.text();
      return {ok: true, status: response.status, type: response.type, headers: names(seen), body};
    } catch (e) {
      return {ok: false, error: String(e), timedOut: controller.signal.aborted};
    } finally {
      clearTimeout(timer);
    }
  };
  const viaXhr = (step) => new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(step.method, url);
    xhr.timeout = timeoutMs;
    for (const [name, value] of step.headers) {
      try { xhr.setRequestHeader(name, value); } catch (e) { /* the engine refuses it */ }
    }
    if (step.credentials) xhr.withCredentials = true;
    if (step.uploadListener) xhr.upload.addEventListener("progress", () => {});
    xhr.onload = () => {
      const seen = xhr.getAllResponseHeaders().split("\\r\\n").filter((line) => line.includes(":"))
        .map((line) => line.slice(0, line.indexOf(":")).trim().toLowerCase());
      resolve({ok: true, status: xhr.status, type: "xhr", headers: names(seen),
               body: xhr.responseText});
    };
    xhr.onerror = () => resolve({ok: false, error: "XMLHttpRequest error event", timedOut: false});
    xhr.ontimeout = () => resolve({ok: false, error: "XMLHttpRequest timeout", timedOut: true});
    xhr.send(step.body);
  });
  const results = [];
  for (let i = 0; i < steps.length; i++) {
    if (i > 0) {
      try { await fetch(markUrl + i); } catch (e) { /* only a separator in the server log */ }
    }
    const step = steps[i];
    results.push(step.client === "xhr" ? await viaXhr(step) : await viaFetch(step));
  }
  return {...results[0], later: results.slice(1)};
}
"""


def _step(request: Request) -> dict:
    return {
        "client": request.client,
        "method": request.method,
        "headers": [list(pair) for pair in request.headers],
        "credentials": request.credentials,
        "body": request.body,
        "mode": request.mode,
        "keepalive": request.keepalive,
        "uploadListener": request.upload_listener,
    }


def page_args(case: Case, server: CaseServer, timeout_ms: int = FETCH_TIMEOUT_MS) -> dict:
    """The JSON argument of PAGE_JS for a case served by `server`."""
    return {
        "url": server.url(case),
        "steps": [_step(r) for r in case.requests()],
        "markUrl": f"{server.origins.page}/c/{case.id}/{MARK_STEP}",
        "timeoutMs": timeout_ms,
    }


def fetch_init(case: Case) -> dict:
    """The older page argument `init` ({url, init, timeoutMs}): a plain fetch() only. Cases that
    use XMLHttpRequest, mode, keepalive or follow-ups need page_args; they are refused here rather
    than run as something else."""
    request = case.first
    if case.then or request != Request(request.method, request.headers, request.credentials, request.body):
        raise ValueError(f"case {case.id} needs page_args(case, server): it is not one plain fetch()")
    init: dict = {"method": case.method, "headers": [list(pair) for pair in case.headers]}
    if case.credentials:
        init["credentials"] = "include"
    if case.body is not None:
        init["body"] = case.body
    return init


def page_expression(args: dict) -> str:
    """PAGE_JS applied to `args`, as one expression whose value is the result promise."""
    return f"({PAGE_JS.strip()})({json.dumps(args)})"


def page_callback_script(args: dict) -> str:
    """For WebDriver's execute_async_script: hands the result to the callback argument."""
    return (
        f"const done = arguments[arguments.length - 1];\n"
        f"{page_expression(args)}.then(done, (e) => done({{ok: false, error: String(e)}}));"
    )


def split_log(log: list[LoggedRequest]) -> list[list[LoggedRequest]]:
    """The requests of each fetch, in order: the log cut at the page's separator requests."""
    parts: list[list[LoggedRequest]] = [[]]
    for request in log:
        step = request.target.split("?", 1)[0].rsplit("/", 1)[-1]
        if request.role == "page" and step.startswith(MARK_STEP):
            parts.append([])
        else:
            parts[-1].append(request)
    return parts
