"""Stopping closes every socket at once: five peers that never answer a close frame take one close
timeout together, inside the 5 s stop promise, not one timeout each."""

import asyncio
import time

from exchanges.connectors import FeedOptions
from exchanges.supervisor import FeedSupervisor
from exchanges.types import Endpoints, InstrumentSpec, NullSink
from tests.exchanges.connectors.frames import snapshot


async def test_five_silent_sockets_close_within_the_stop_promise(venue):
    symbols = [f"S{i}USDT" for i in range(5)]
    venue.snapshot_fn = lambda symbol: snapshot(100, bids=[("1", "1")])
    venue.silent = True
    sup = FeedSupervisor(
        specs=[InstrumentSpec(venue="binance", symbol=s, depth=10) for s in symbols],
        endpoints={"binance": Endpoints(ws_url=venue.ws_url, rest_url=venue.rest_url)},
        sink=NullSink(),
        options=FeedOptions(watchdog=False, planned_reconnect=False, max_streams_per_connection=2),
    )
    task = asyncio.create_task(sup.run())
    await venue.wait_connections(5)
    started = time.monotonic()
    await sup.stop()
    await asyncio.wait_for(task, 10)
    assert time.monotonic() - started < 4.0
