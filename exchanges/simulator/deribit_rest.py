"""Deribit's REST face: `GET /api/v2/public/<method>?...` answering the same JSON-RPC envelope."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from exchanges.simulator import deribit_frames as frames
from exchanges.simulator.appkeys import SIM
from exchanges.simulator.deribit_ws import RpcError, instruments_result, order_book_result


def _json(text: str, status: int = 200, headers: dict | None = None) -> web.Response:
    return web.Response(text=text, status=status, content_type="application/json", headers=headers)


async def public(request: web.Request) -> web.Response:
    sim = request.app[SIM]
    started = int(time.time() * 1_000_000)
    method = request.match_info["method"]
    params: dict = dict(request.query)
    spec = sim.faults
    sim.counts["rest_requests"] += 1
    if sim.dice.roll("rest429", spec.rest429):
        return _json(
            frames.error(None, 10028, "too_many_requests"),
            status=429,
            headers={"Retry-After": str(sim.options.retry_after)},
        )
    try:
        if method == "get_order_book":
            delay = 0.0
            if sim.dice.roll("slow_snapshot", spec.slow_snapshot):
                low, high = sim.options.slow_snapshot_seconds
                delay = sim.dice.rng.uniform(low, high)
            result = order_book_result(sim, params)  # cut now, delivered late when slow
            if delay:
                await asyncio.sleep(delay)
        elif method == "get_instruments":
            if params.get("expired") == "true":
                result = []
            else:
                result = instruments_result(sim, params)
        elif method == "test":
            result = {"version": frames.VERSION}
        elif method == "get_time":
            result = int(time.time() * 1000)
        else:
            return _json(frames.error(None, -32601, "Method not found"), status=400)
    except RpcError as exc:
        return _json(frames.error(None, exc.code, exc.message, exc.data), status=400)
    return _json(frames.answer(None, result, started_us=started))
