"""Feed-path benchmarks: frames through parse, sequence check and book update, on one core.

The frames go through the real `BinanceConnector.handle_frame` with a real session and book,
only the socket is left out: what is measured is the per-message CPU cost of the hot path.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

import msgspec

from books.orderbook import VenueBook
from exchanges.connectors import FeedOptions
from exchanges.connectors.base import Session
from exchanges.connectors.binance import BinanceConnector
from exchanges.quarantine import Quarantine
from exchanges.ratelimit import HostLimits
from exchanges.types import Endpoints, InstrumentSpec, NullSink


def _frames(n: int, *, levels_per_side: int = 10, seed: int = 7) -> tuple[list[str], list, list]:
    """n depth frames of 2 * levels_per_side levels around a 1,000-level book, spot format."""
    rng = random.Random(seed)
    tick = Decimal("0.01")
    mid = Decimal("65000.00")
    bids = [(mid - tick * (i + 1), Decimal(rng.randint(1, 5000)) / 1000) for i in range(1000)]
    asks = [(mid + tick * (i + 1), Decimal(rng.randint(1, 5000)) / 1000) for i in range(1000)]
    frames = []
    u = 1000
    for _ in range(n):
        b = []
        a = []
        for _ in range(levels_per_side):
            # Most changes near the top; one in ten removes a level, which later comes back.
            depth_b = min(int(rng.expovariate(1 / 40)), 999)
            depth_a = min(int(rng.expovariate(1 / 40)), 999)
            qb = "0" if rng.random() < 0.1 else f"{rng.randint(1, 5000) / 1000:.3f}"
            qa = "0" if rng.random() < 0.1 else f"{rng.randint(1, 5000) / 1000:.3f}"
            b.append([f"{mid - tick * (depth_b + 1):.2f}", qb])
            a.append([f"{mid + tick * (depth_a + 1):.2f}", qa])
        data = {
            "e": "depthUpdate",
            "E": 1_700_000_000_000 + u,
            "s": "BTCUSDT",
            "U": u + 1,
            "u": u + 1,
            "b": b,
            "a": a,
        }
        frames.append(msgspec.json.encode({"stream": "btcusdt@depth@100ms", "data": data}).decode())
        u += 1
    return frames, bids, asks


def _connector() -> tuple[BinanceConnector, Session]:
    spec = InstrumentSpec(venue="binance", symbol="BTCUSDT", depth=5000)
    connector = BinanceConnector(
        venue="binance",
        specs=[spec],
        endpoints=Endpoints.default("binance"),
        sink=NullSink(),
        options=FeedOptions(),
        http=None,
        limits=HostLimits(),
        quarantine=Quarantine(),
    )
    session = Session(connector, connector.groups[0], muted=False)
    return connector, session


def feed_path_throughput(n: int = 100_000) -> dict:
    frames, bids, asks = _frames(n)
    connector, session = _connector()
    feed = session.feeds["BTCUSDT"]
    feed.book.load_snapshot(bids=bids, asks=asks, sequence=1000)
    feed.extra["first"] = True
    handle = connector.handle_frame
    started = time.perf_counter()
    for raw in frames:
        handle(session, raw)
    elapsed = time.perf_counter() - started
    assert feed.book.sequence == 1000 + n, "every frame must have been applied"
    assert connector.stats.gaps == 0 and connector.stats.malformed == 0
    return {"messages": n, "seconds": elapsed, "per_second": n / elapsed, "us_per_message": elapsed / n * 1e6}


def top_read(levels: int = 1000, k: int = 20, repeat: int = 200_000) -> dict:
    book = VenueBook(venue="binance", symbol="BTCUSDT", depth=None)
    tick = Decimal("0.01")
    book.load_snapshot(
        bids=[(Decimal(65000) - tick * i, Decimal(1)) for i in range(1, levels + 1)],
        asks=[(Decimal(65000) + tick * i, Decimal(1)) for i in range(1, levels + 1)],
        sequence=1,
    )
    top = book.top
    started = time.perf_counter()
    for _ in range(repeat):
        top(k)
    elapsed = time.perf_counter() - started
    return {"levels": levels, "k": k, "us_per_read": elapsed / repeat * 1e6}
