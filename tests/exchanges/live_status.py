"""Reads shared by the end-to-end tests that run a feed process and watch its books' states."""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def poll(condition: Callable[[], Awaitable], *, timeout: float, what: str):
    """Await `condition()` (a coroutine function) until it is truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.1)


async def status(client) -> dict[str, dict]:
    """/api/status's instruments by member key ("venue:SYMBOL")."""
    body = (await client.get("/api/status")).json()
    return {f"{b['venue']}:{b['symbol']}": b for b in body["instruments"]}
