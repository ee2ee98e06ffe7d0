"""Venue book operations alone: level updates per second and top-20 reads, at 100, 1,000 and
10,000 levels a side, with levels appearing and vanishing as on a real venue."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from books.orderbook import VenueBook

TICK = Decimal("0.01")
MID = 6_500_000  # 65,000.00 in ticks


def _book(levels: int) -> VenueBook:
    book = VenueBook(venue="binance", symbol="BTCUSDT", depth=None)
    book.load_snapshot(
        bids=[(TICK * (MID - 2 * i), Decimal(1)) for i in range(1, levels + 1)],
        asks=[(TICK * (MID + 2 * i), Decimal(1)) for i in range(1, levels + 1)],
        sequence=1,
    )
    return book


def updates(levels: int, *, messages: int = 20_000, per_side: int = 10, seed: int = 3) -> dict:
    """Diffs of `per_side` levels a side within the book's range; a third delete, the rest set a
    quantity at a price that may or may not hold a level (about half the grid is empty)."""
    rng = random.Random(seed)
    span = 2 * levels
    diffs = []
    for _ in range(messages):
        bids = [
            (
                TICK * (MID - rng.randint(1, span)),
                Decimal(0) if rng.random() < 1 / 3 else Decimal(rng.randint(1, 9)),
            )
            for _ in range(per_side)
        ]
        asks = [
            (
                TICK * (MID + rng.randint(1, span)),
                Decimal(0) if rng.random() < 1 / 3 else Decimal(rng.randint(1, 9)),
            )
            for _ in range(per_side)
        ]
        diffs.append((bids, asks))
    book = _book(levels)
    apply = book.apply
    started = time.perf_counter()
    for seq, (bids, asks) in enumerate(diffs, start=2):
        apply(bids=bids, asks=asks, sequence=seq)
    elapsed = time.perf_counter() - started
    changes = messages * per_side * 2
    return {"levels": levels, "level_updates_per_s": changes / elapsed, "messages_per_s": messages / elapsed}


def top_read(levels: int, *, k: int = 20, repeat: int = 100_000) -> dict:
    book = _book(levels)
    top = book.top
    started = time.perf_counter()
    for _ in range(repeat):
        top(k)
    elapsed = time.perf_counter() - started
    return {"levels": levels, "us_per_read": elapsed / repeat * 1e6}
