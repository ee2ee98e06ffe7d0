"""One venue update through the consolidated book: 3 venues x 1,000 levels a side on BTC-USDT.

Spot (tick 0.01, base units), COIN-M (tick 0.1, 100 USD contracts) and Deribit (tick 0.5, USD
amounts), each a full 1,000-level venue book, all live in one ConsolidatedBooks with the live
publisher's listener attached. Each message is a 20-level diff (10 a side) of one venue in turn:
most levels change quantity, a share (`churn`) appear or vanish (a new level pushes the farthest
one out: the venue book trims to its depth). It is applied to its venue book first, as a connector
does, then given to the sink; only the sink's call is timed, with the settling of the noted diffs
that a publisher's read does every READ_EVERY diffs.

Run alone: `.venv/bin/python -m tests.perf.bench_consolidated [--quick]`.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from decimal import Decimal

from books.orderbook import BookState, VenueBook
from exchanges.types import InstrumentSpec
from tests.books.venue_books import btc_coinm, btc_deribit

MID = Decimal("65000")
VENUES = [
    (InstrumentSpec(venue="binance", symbol="BTCUSDT", pair="BTC-USDT", kind="spot"), Decimal("0.01"), 1, 20),
    (
        btc_coinm(consolidate_into="BTC-USDT"),
        Decimal("0.1"),
        1,
        500,
    ),
    (
        btc_deribit(consolidate_into="BTC-USDT"),
        Decimal("0.5"),
        10,
        5000,
    ),
]


def _qty(rng: random.Random, step: int, top: int) -> Decimal:
    return Decimal(step * rng.randint(1, top)) if step > 1 else Decimal(rng.randint(1, top * 1000)) / 1000


def build(levels: int = 1000, *, seed: int = 5):
    from books.consolidated import ConsolidatedBooks
    from books.live import LivePublisher, MemoryLiveStore

    rng = random.Random(seed)
    sink = ConsolidatedBooks([spec for spec, *_ in VENUES])
    LivePublisher(sink, store=MemoryLiveStore(), hz=10, depth=200)  # its listener, as in the feed process
    books = []
    for spec, tick, step, top in VENUES:
        book = VenueBook(venue=spec.venue, symbol=spec.symbol, depth=levels)
        bids = [(MID - tick * i, _qty(rng, step, top)) for i in range(1, levels + 1)]
        asks = [(MID + tick * i, _qty(rng, step, top)) for i in range(1, levels + 1)]
        book.load_snapshot(bids=bids, asks=asks, sequence=1, at=0.0)
        book.state = BookState.LIVE
        sink.book_changed(spec, book, ts=0.0, bids=bids, asks=asks, snapshot=True)
        books.append(book)
    return sink, books


def _free_price(rng: random.Random, side, sign: int, tick: Decimal) -> Decimal:
    """A price within the book's range that holds no level (a hole a deletion left), else one
    just beyond its far end: levels appear about as often as they vanish, the book stays full."""
    far = side.prices[0] if sign < 0 else side.prices[-1]
    span = int(abs(far - MID) / tick) + 1
    for _ in range(8):
        price = MID + sign * tick * rng.randint(1, span)
        if price not in side.levels:
            return price
    return MID + sign * tick * (span + rng.randint(0, 3))


def _diff(
    rng: random.Random, book: VenueBook, venue: tuple, per_side: int, churn: float
) -> tuple[list, list]:
    """`per_side` levels a side: with probability `churn` a level appears (a free price within
    the book's range) or vanishes (half each), otherwise an existing level changes quantity."""
    _, tick, step, top = venue
    out = []
    for side, sign in ((book.bids, -1), (book.asks, 1)):
        prices = side.prices
        levels = []
        for _ in range(per_side):
            r = rng.random()
            if r < churn / 2 or len(prices) < 2:
                levels.append((_free_price(rng, side, sign, tick), _qty(rng, step, top)))
            elif r < churn:
                levels.append((prices[rng.randrange(len(prices))], Decimal(0)))
            else:
                levels.append((prices[rng.randrange(len(prices))], _qty(rng, step, top)))
        out.append(levels)
    return out[0], out[1]


# Diffs between two reads of the consolidated book: the publisher reads each pair 10 times a
# second, so at 5,000 venue messages a second on one pair a read settles about 500 noted diffs.
READ_EVERY = 500


def run(
    *,
    messages: int = 20_000,
    levels: int = 1000,
    per_side: int = 10,
    churn: float = 0.3,
    seed: int = 7,
    read_every: int = READ_EVERY,
) -> dict:
    """Microseconds per venue diff in the sink, averaged over `messages` diffs (venues in turn),
    the settling of the noted diffs at each read (every `read_every` diffs) included."""
    rng = random.Random(seed)
    sink, books = build(levels)
    changed = sink.book_changed
    consolidated = sink.books["BTC-USDT"]
    elapsed = venue_elapsed = 0.0
    times = []
    clock = time.perf_counter
    for seq in range(2, messages + 2):
        i = seq % len(VENUES)
        spec, book = VENUES[i][0], books[i]
        bids, asks = _diff(rng, book, VENUES[i], per_side, churn)
        started = clock()
        book.apply(bids=bids, asks=asks, sequence=seq, at=float(seq))
        venue_elapsed += clock() - started
        started = clock()
        changed(spec, book, ts=float(seq), bids=bids, asks=asks, snapshot=False)
        if seq % read_every == 0 or seq == messages + 1:
            consolidated.settle()  # what the publisher's read does first
        took = clock() - started
        elapsed += took
        times.append(took)
    return {
        "us_per_update": elapsed / messages * 1e6,
        "us_median": statistics.median(times) * 1e6,
        "venue_us_per_update": venue_elapsed / messages * 1e6,
        "messages": messages,
        "churn": churn,
        "levels_bids": len(consolidated.bids.levels),
        "levels_asks": len(consolidated.asks.levels),
    }


def cpu_cost(
    *, messages: int = 20_000, levels: int = 1000, per_side: int = 10, churn: float = 0.3, seed: int = 7
) -> float:
    """Microseconds of CPU per diff in the sink, on a shared machine: the same seeded run twice,
    with and without the sink's call, timed by process CPU time (a process waiting for a core is
    not charged), the difference divided by the messages."""

    def loop(with_sink: bool) -> float:
        rng = random.Random(seed)
        sink, books = build(levels)
        changed = sink.book_changed
        started = time.process_time()
        for seq in range(2, messages + 2):
            i = seq % len(VENUES)
            spec, book = VENUES[i][0], books[i]
            bids, asks = _diff(rng, book, VENUES[i], per_side, churn)
            book.apply(bids=bids, asks=asks, sequence=seq, at=float(seq))
            if with_sink:
                changed(spec, book, ts=float(seq), bids=bids, asks=asks, snapshot=False)
        return time.process_time() - started

    return min((loop(True) - loop(False)) for _ in range(3)) / messages * 1e6


def best_of(*, repeat: int = 7, number: int = 2000) -> dict[str, float]:
    """Per venue, the sink's cost of one 20-level diff that changes every level's quantity, as the
    best of `repeat` timed blocks (the least disturbed by other processes on a shared machine),
    minus the venue book's own apply timed the same way."""
    import timeit

    sink, books = build()
    out = {}
    for i, venue in enumerate(VENUES):
        spec, book = venue[0], books[i]
        one = _diff(random.Random(1), book, venue, 10, 0.0)
        two = ([(p, q + 1) for p, q in one[0]], [(p, q + 1) for p, q in one[1]])
        flip = [0]

        def venue_only(book=book, diffs=(one, two), flip=flip):
            bids, asks = diffs[flip[0]]
            flip[0] ^= 1
            book.apply(bids=bids, asks=asks, sequence=None)

        def with_sink(book=book, spec=spec, diffs=(one, two), flip=flip):
            bids, asks = diffs[flip[0]]
            flip[0] ^= 1
            book.apply(bids=bids, asks=asks, sequence=None)
            sink.book_changed(spec, book, ts=1.0, bids=bids, asks=asks, snapshot=False)

        both = min(timeit.repeat(with_sink, number=number, repeat=repeat)) / number
        alone = min(timeit.repeat(venue_only, number=number, repeat=repeat)) / number
        out[spec.key] = (both - alone) * 1e6
    return out


def results(quick: bool = False) -> list:
    from tests.perf.results import Result

    typical = run(messages=2_000 if quick else 20_000, churn=0.3)
    churning = run(messages=2_000 if quick else 20_000, churn=1.0)
    return [
        Result(
            "consolidated_update_us",
            "one 20-level venue diff through the consolidated book (3 venues x 1,000 levels, 30% of levels appear or go; settled by a read every 500 diffs)",
            typical["us_per_update"],
            "µs",
            "< 20 µs",
            typical["us_per_update"] < 20,
        ),
        Result(
            "consolidated_update_churn_us",
            "the same, every level of the diff appearing or going",
            churning["us_per_update"],
            "µs",
        ),
    ]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    for key, us in best_of().items():
        print(f"{us:.2f} µs per 20-level diff through the sink, best of 7 blocks ({key})")
    for churn in (0.0, 0.3, 1.0):
        out = run(messages=2_000 if "--quick" in sys.argv else 20_000, churn=churn)
        cpu = cpu_cost(messages=2_000 if "--quick" in sys.argv else 20_000, churn=churn)
        print(f"{cpu:.2f} µs of CPU per update (with minus without the sink), {churn:.0%} churn")
        print(
            f"{out['us_per_update']:.2f} µs mean, {out['us_median']:.2f} µs median per 20-level update over {out['messages']} messages, "
            f"{churn:.0%} of levels appearing or going; the venue book's own apply: "
            f"{out['venue_us_per_update']:.2f} µs "
            f"(consolidated levels: {out['levels_bids']} bids, {out['levels_asks']} asks)"
        )
