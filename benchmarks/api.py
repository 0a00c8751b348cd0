"""In-process checks per second, side by side with a bare httpx.ASGITransport loop.

One FastAPI app with CORSMiddleware (one origin, credentials, PUT allowed). Each check is the
browser's two requests: an OPTIONS preflight, then the PUT with JSON. Measured in one asyncio
event loop, in shuffled order per round:

1. `await cors_doctor.check_async(...)`   the whole pipeline: plan, simulation, diagnosis, fix
2. `cors_doctor.check(...)`               the synchronous API (a fresh event loop per check)
3. a bare `httpx.AsyncClient(transport=httpx.ASGITransport(app))` loop sending the same two
   requests per check and reading nothing but the status

Prints per variant the median checks/s over the rounds, and the ratio of (1) to (3).
Target: ratio >= 0.5.

Usage: python benchmarks/api.py [--checks 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable

import cors_doctor

PAGE = "http://localhost:5173"
JSON = {"Content-Type": "application/json"}


def make_app() -> object:
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()

    @app.put("/items")
    async def put_items(item: dict) -> dict:  # async: thread hand-offs would dominate both sides
        return item

    app.add_middleware(
        CORSMiddleware,
        allow_origins=[PAGE],
        allow_credentials=True,
        allow_methods=["GET", "PUT"],
        allow_headers=["Content-Type"],
    )
    return app


async def api_async(app: object, n: int) -> None:
    for _ in range(n):
        verdict = await cors_doctor.check_async(
            "/items", origin=PAGE, method="PUT", headers=JSON, credentials=True, body='{"a": 1}', actual=True, app=app
        )
        assert verdict.allowed


async def api_sync(app: object, n: int) -> None:
    def run() -> None:
        for _ in range(n):
            assert cors_doctor.check(
                "/items",
                origin=PAGE,
                method="PUT",
                headers=JSON,
                credentials=True,
                body='{"a": 1}',
                actual=True,
                app=app,
            ).allowed

    await asyncio.to_thread(run)  # no event loop may run in the thread of a synchronous check's own loop


async def bare_httpx(app: object, n: int) -> None:
    import httpx

    preflight = {
        "Origin": PAGE,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
    }
    actual = {"Origin": PAGE, "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:  # type: ignore[arg-type]
        for _ in range(n):
            first = await client.options("/items", headers=preflight)
            second = await client.put("/items", headers=actual, content=b'{"a": 1}')
            assert first.status_code == 200 and second.status_code == 200


async def main(checks: int, rounds: int) -> None:
    app = make_app()
    variants: dict[str, Callable[[object, int], Awaitable[None]]] = {
        "cors_doctor.check_async": api_async,
        "cors_doctor.check (sync)": api_sync,
        "bare httpx.ASGITransport": bare_httpx,
    }
    for run in variants.values():  # warm up imports and caches
        await run(app, 20)
    rates: dict[str, list[float]] = {name: [] for name in variants}
    ratios = []
    for _ in range(rounds):
        order = list(variants)
        random.shuffle(order)
        this_round = {}
        for name in order:
            started = time.perf_counter()
            await variants[name](app, checks)
            this_round[name] = checks / (time.perf_counter() - started)
            rates[name].append(this_round[name])
        ratios.append(this_round["cors_doctor.check_async"] / this_round["bare httpx.ASGITransport"])
    print(f"{checks} checks x {rounds} rounds (2 requests per check), median checks/s:")
    for name, values in rates.items():
        print(f"  {name:28} {statistics.median(values):8.0f}")
    print(f"ratio check_async / bare loop: {statistics.median(ratios):.2f} (target >= 0.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.checks, args.rounds))
