"""The small base every metric module builds on (one module per metric, found by the registry).

A metric class says its `name`, its `params` (analytics.metrics.params.Param) and, in its
docstring, the formula and where it comes from. `compute` reads a consolidated book (the
books.consolidated.ConsolidatedBook interface: levels, best_bid/best_ask/mid, members,
venue_levels), the pair's recent trades where it needs them, and a `state` dict the caller keeps
for it between calls (one per metric configuration and pair), and returns a JSON-able value:
a float, a dict of floats (and strings), or None when the book cannot give one (an empty side).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from analytics.metrics.params import Param, clean_params

BPS = 10_000.0

# The parameters several metrics take, said once so they read and check alike everywhere
# (Param is frozen, so one instance can sit in many metrics' `params`).
BAND_BPS = Param(
    "bps",
    "float",
    10.0,
    help="band around the mid",
    unit="bps",
    min=0,
    max=10_000,
    min_exclusive=True,
)
WINDOW_SECONDS = Param(
    "window", "float", 60.0, help="look-back", unit="seconds", min=0, max=86_400, min_exclusive=True
)


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """One trade of the pair, quantity already in base units (books.conversion)."""

    ts: float  # unix seconds (venue event time)
    price: float
    qty: float  # base asset
    side: str  # taker side: buy or sell
    venue: str = ""  # member key, "venue:SYMBOL"


class Metric:
    name: str = ""
    params: tuple[Param, ...] = ()
    needs_trades: bool = False
    stateful: bool = False

    def __init__(self, **raw) -> None:
        # Checked here once; compute() trusts self.params.
        self.params = clean_params(type(self).params, raw, metric=self.name)

    @classmethod
    def validate(cls, raw: dict | None) -> dict:
        """The cleaned parameters, or ParamError with every problem in one message."""
        return clean_params(cls.params, raw, metric=cls.name)

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else cls.name

    def compute(
        self,
        book,
        trades: Sequence[TradeRecord] | None = None,
        state: dict | None = None,
        *,
        now: float | None = None,
    ):
        raise NotImplementedError


# ---- reads shared by several metrics ------------------------------------------------------------
def best(book) -> tuple[float, float] | None:
    """(best bid, best ask) as floats, or None when a side is empty."""
    bid, ask = book.best_bid(), book.best_ask()
    if bid is None or ask is None:
        return None
    return float(bid), float(ask)


def mid_of(book) -> float | None:
    mid = book.mid()
    return None if mid is None else float(mid)


def in_window(trades: Sequence[TradeRecord] | None, *, now: float, window: float) -> list[TradeRecord]:
    start = now - window
    return [t for t in trades or () if start < t.ts <= now]


def recent_trades(
    metric: Metric, book, trades: Sequence[TradeRecord] | None, *, now: float | None
) -> list[TradeRecord]:
    """The trades in the metric's `window` seconds up to `now` (the book's last update by default)."""
    now = book.updated_at if now is None else now
    return in_window(trades, now=now, window=metric.params["window"])


def levels_within(book, side: str, *, bps: float, mid: float) -> list[tuple[Decimal, Decimal, dict]]:
    """The side's levels whose price is within `bps` of `mid` (bids at or above mid x (1 - bps),
    asks at or below mid x (1 + bps)), best first. Reads a few levels first and then about as many
    as the band needs (guessed from the price span of those read), so a narrow band on a deep book
    costs a few levels, not the book."""
    limit = mid * (1 - bps / BPS) if side == "bids" else mid * (1 + bps / BPS)
    inside = (lambda p: p >= limit) if side == "bids" else (lambda p: p <= limit)
    n = 64
    while True:
        rows = book.levels(side, n)
        if len(rows) < n or not inside(float(rows[-1][0])):
            return [row for row in rows if inside(float(row[0]))]
        first, last = float(rows[0][0]), float(rows[-1][0])
        span = abs(last - first)
        guess = int(n * abs(limit - first) / span * 1.25) + 16 if span > 0 else n * 4
        n = max(guess, n * 2)


class BookView:
    """One computation's view of a book: `levels` reads are kept and sliced for the next metric,
    so the metrics of one pair walk each side once between them. Everything else is the book's."""

    __slots__ = ("_book", "_rows")

    def __init__(self, book) -> None:
        self._book = book
        self._rows: dict[str, tuple[int | None, list]] = {}

    def levels(self, side: str, n: int | None = None, group=None):
        if group is not None:
            return self._book.levels(side, n, group)
        kept = self._rows.get(side)
        if kept is not None:
            asked, rows = kept
            if asked is None or (n is not None and (n <= len(rows) or len(rows) < asked)):
                return rows if n is None else rows[:n]
        rows = self._book.levels(side, n)
        self._rows[side] = (n, rows)
        return rows

    def __getattr__(self, name: str):
        return getattr(self._book, name)
