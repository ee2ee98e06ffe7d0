"""Reads of the tick tables: ticks in a range, snapshots at an interval, bars, and the book at t."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from books.models import BookDelta, BookSnapshot, RollupState, Trade, TradeMinute
from books.orderbook import VenueBook
from books.timebucket import ORIGIN, TimeBucket
from exchanges.models import Instrument


class BookNotAvailable(LookupError):
    """No snapshot at or before the asked time: outside retention, or before recording began."""


def trades_in_range(
    *, instrument: Instrument | int, start: datetime, end: datetime, using: str = "default"
) -> QuerySet:
    """Trades with start <= time < end, oldest first."""
    return (
        Trade.objects.using(using)
        .filter(instrument=instrument, time__gte=start, time__lt=end)
        .order_by("time", "id")
    )


def deltas_in_range(
    *, instrument: Instrument | int, start: datetime, end: datetime, using: str = "default"
) -> QuerySet:
    """Book changes (BookDelta, one row per change) with start <= time < end, in the order the
    live book applied them. `level_changes_in_range` gives the same one level at a time."""
    return (
        BookDelta.objects.using(using)
        .filter(instrument=instrument, time__gte=start, time__lt=end)
        .order_by("time", "event", "id")
    )


class LevelChange(NamedTuple):
    time: datetime
    event: int
    sequence: int | None
    side: str  # "b" or "a"
    price: Decimal
    quantity: Decimal  # the level's new quantity; zero: removed


def level_changes_in_range(
    *, instrument: Instrument | int, start: datetime, end: datetime, using: str = "default"
) -> Iterator[LevelChange]:
    """The levels of deltas_in_range one by one, exact, in apply order (each change's bids, then
    its asks, as the venue listed them)."""
    changes = deltas_in_range(instrument=instrument, start=start, end=end, using=using)
    for at, event, sequence, bids, asks in _iterate(
        changes.values_list("time", "event", "sequence", "bids", "asks")
    ):
        for side, levels in (("b", bids), ("a", asks)):
            for price, quantity in levels:
                yield LevelChange(at, event, sequence, side, Decimal(price), Decimal(quantity))


def snapshots_at_interval(
    *,
    instrument: Instrument | int,
    start: datetime,
    end: datetime,
    interval: timedelta,
    using: str = "default",
) -> list[BookSnapshot]:
    """The last snapshot of every `interval` bucket in [start, end), oldest first."""
    ranked = (
        BookSnapshot.objects.using(using)
        .filter(instrument=instrument, time__gte=start, time__lt=end)
        .annotate(bucket=TimeBucket("time", interval))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("bucket")], order_by=[F("time").desc(), F("event").desc()]
            )
        )
    )
    return list(ranked.filter(rank=1).order_by("time"))


MINUTE = timedelta(minutes=1)
TRADE_MINUTES = "trade_minutes"  # RollupState name of the TradeMinute rollup
BAR_KEYS = ("bucket", "open", "high", "low", "close", "volume", "count")
_RANGES_PER_QUERY = 200  # OR-ed time ranges per query: keeps the SQL (and SQLite's parameters) small


def bars(
    *,
    instrument: Instrument | int,
    start: datetime,
    end: datetime,
    interval: timedelta,
    source: str = "trade",
    using: str = "default",
) -> list[dict]:
    """OHLC bars of trade prices (with volume = traded quantity, and the trade count) or of the book
    mid from snapshots (volume None), one dict per non-empty bucket in [start, end), oldest first:
    {"bucket", "open", "high", "low", "close", "volume", "count"}.

    Trade bars of whole-minute intervals come from the 1-minute rollup (TradeMinute) where it is
    complete, and from the raw trades elsewhere (see `_trade_bars_from_rollup`); the result is the
    same as from the raw trades alone. Other intervals, and mid bars, read the ticks.
    """
    whole_minutes = isinstance(interval, timedelta) and interval > timedelta(0) and not interval % MINUTE
    if source == "trade" and whole_minutes:
        return _trade_bars_from_rollup(
            instrument=instrument, start=start, end=end, interval=interval, using=using
        )
    if source == "trade":
        qs = trades_in_range(instrument=instrument, start=start, end=end, using=using)
    elif source == "mid":
        qs = BookSnapshot.objects.using(using).filter(
            instrument=instrument, time__gte=start, time__lt=end, mid__isnull=False
        )
    else:
        raise ValueError(f"bars source must be 'trade' or 'mid', not {source!r}")
    return [_bar(b) for b in _aggregate(qs, interval=interval, source=source)]


def _bar(piece: dict) -> dict:
    return {k: piece[k] for k in BAR_KEYS}


def _aggregate(qs: QuerySet, *, interval: timedelta, source: str) -> list[dict]:
    """Bars of `qs` (trades or snapshots) by TimeBucket(interval), each with the sort keys of its
    opening and closing row ("first", "last": (time, *tiebreak)) so bars can be merged exactly.

    Two index-friendly queries rather than window functions (which sort every row): a GROUP BY on
    TimeBucket for high, low, volume, count and each bucket's first and last time, then the rows
    at those times for open and close (ties at one instant broken by the stored order).
    """
    value, tiebreak = ("price", ("id",)) if source == "trade" else ("mid", ("event", "id"))
    qs = qs.order_by()
    # SQLite keeps decimals as floats and sums them as floats (0.1 + 0.2 != 0.3): there the volume
    # is summed here, from quantities that are exact one by one (the writer checks their digits).
    sum_in_sql = source == "trade" and connections[qs.db].vendor != "sqlite"
    totals = list(
        qs.annotate(bucket=TimeBucket("time", interval))
        .values("bucket")
        .annotate(
            high=Max(value),
            low=Min(value),
            first=Min("time"),
            last=Max("time"),
            count=Count("id"),
            **({"volume": Sum("quantity")} if sum_in_sql else {}),
        )
    )
    if source == "trade" and not sum_in_sql:
        volumes: dict[datetime, Decimal] = {}
        for bucket, quantity in _iterate(
            qs.annotate(bucket=TimeBucket("time", interval)).values_list("bucket", "quantity")
        ):
            volumes[bucket] = volumes.get(bucket, 0) + quantity
        for t in totals:
            t["volume"] = volumes[t["bucket"]]
    edges: dict[datetime, list[tuple]] = {}
    wanted = {t["first"] for t in totals} | {t["last"] for t in totals}
    if wanted:
        for row in qs.filter(time__in=wanted).values_list("time", *tiebreak, value):
            edges.setdefault(row[0], []).append(row[1:])
    out = []
    for t in sorted(totals, key=lambda t: t["bucket"]):
        first, last = min(edges[t["first"]]), max(edges[t["last"]])
        out.append(
            {
                "bucket": t["bucket"],
                "open": first[-1],
                "high": t["high"],
                "low": t["low"],
                "close": last[-1],
                "volume": t.get("volume"),
                "count": t["count"],
                "first": (t["first"], *first[:-1]),
                "last": (t["last"], *last[:-1]),
            }
        )
    return out


def floor_minute(at: datetime) -> datetime:
    return ORIGIN + ((at - ORIGIN) // MINUTE) * MINUTE


def ceil_minute(at: datetime) -> datetime:
    floor = floor_minute(at)
    return floor if floor == at else floor + MINUTE


def _coalesce(ranges: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Non-empty [a, b) ranges, sorted, with touching or overlapping ones merged."""
    out: list[list[datetime]] = []
    for a, b in sorted(r for r in ranges if r[0] < r[1]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def trade_minutes(
    *, instrument: Instrument | int, ranges: list[tuple[datetime, datetime]], using: str = "default"
) -> list[dict]:
    """1-minute trade bars of the trades in the [a, b) `ranges`, with the (time, id) of each bar's
    opening and closing trade ("first", "last"). A range that cuts a minute gives a partial bar."""
    out: list[dict] = []
    ranges = _coalesce(ranges)
    trades = Trade.objects.using(using).filter(instrument=instrument)
    for i in range(0, len(ranges), _RANGES_PER_QUERY):
        where = Q()
        for a, b in ranges[i : i + _RANGES_PER_QUERY]:
            where |= Q(time__gte=a, time__lt=b)
        out += _aggregate(trades.filter(where), interval=MINUTE, source="trade")
    return out


def _trade_bars_from_rollup(
    *, instrument: Instrument | int, start: datetime, end: datetime, interval: timedelta, using: str
) -> list[dict]:
    """Trade bars of a whole-minute interval from 1-minute pieces, merged per bucket (open of the
    earliest opening trade, close of the latest closing one, high/low/volume/count combined).

    1. Read the rollup's progress: TradeMinute holds every trade with id <= last_trade_id (none
       rolled yet: the raw trades answer alone).
    2. The whole minutes of [start, end) after `pruned_before` may come from the rollup; the
       partial minutes at both edges, and minutes before `pruned_before`, come from raw trades.
    3. A minute with a trade stored after the last rollup (id > last_trade_id: new, or late) is
       not complete in the rollup: it is recomputed from its raw trades.
    4. Rollup rows of the remaining minutes, plus the raw pieces, merge into `interval` buckets.
    Whole-minute buckets hold whole minutes: TimeBucket bins from ORIGIN, a midnight.
    """
    state = (
        RollupState.objects.using(using)
        .filter(name=TRADE_MINUTES)
        .values_list("last_trade_id", "pruned_before")
    )
    state = state.first()
    if state is None or not state[0]:
        qs = trades_in_range(instrument=instrument, start=start, end=end, using=using)
        return [_bar(b) for b in _aggregate(qs, interval=interval, source="trade")]
    rolled_to, pruned_before = state
    lo, hi = ceil_minute(start), floor_minute(end)
    if pruned_before is not None:
        lo = max(lo, pruned_before)
    raw: list[tuple[datetime, datetime]] = [(start, min(lo, end)), (max(hi, start), end)]
    dirty: set[datetime] = set()
    if lo < hi:
        dirty = set(
            Trade.objects.using(using)
            .filter(instrument=instrument, time__gte=lo, time__lt=hi, id__gt=rolled_to)
            .order_by()
            .annotate(minute=TimeBucket("time", MINUTE))
            .values_list("minute", flat=True)
            .distinct()
        )
        raw += [(m, m + MINUTE) for m in dirty]
    pieces = trade_minutes(instrument=instrument, ranges=raw, using=using)
    if lo < hi:
        rolled = TradeMinute.objects.using(using).filter(instrument=instrument, bucket__gte=lo, bucket__lt=hi)
        for row in rolled.values(*BAR_KEYS, "first_time", "first_id", "last_time", "last_id"):
            if row["bucket"] not in dirty:
                row["first"] = (row.pop("first_time"), row.pop("first_id"))
                row["last"] = (row.pop("last_time"), row.pop("last_id"))
                pieces.append(row)
    return _merge(pieces, interval)


def _merge(pieces: list[dict], interval: timedelta) -> list[dict]:
    groups: dict[datetime, list[dict]] = {}
    for p in pieces:
        groups.setdefault(ORIGIN + ((p["bucket"] - ORIGIN) // interval) * interval, []).append(p)
    out = []
    for bucket in sorted(groups):
        group = groups[bucket]
        out.append(
            {
                "bucket": bucket,
                "open": min(group, key=lambda p: p["first"])["open"],
                "high": max(p["high"] for p in group),
                "low": min(p["low"] for p in group),
                "close": max(group, key=lambda p: p["last"])["close"],
                "volume": sum(p["volume"] for p in group),
                "count": sum(p["count"] for p in group),
            }
        )
    return out


def book_at(
    *, instrument: Instrument, at: datetime, depth: int | None = None, using: str = "default"
) -> VenueBook:
    """The exact venue book at `at`: the last snapshot at or before it, with its boundaries, then
    every delta after that snapshot up to `at`, applied change by change (so the deltas past a
    boundary are ignored as they were live).
    `depth` limits the returned book to its best `depth` levels a side. BookNotAvailable if no
    snapshot is old enough (before recording began, or removed by retention)."""
    snap = (
        BookSnapshot.objects.using(using)
        .filter(instrument=instrument, time__lte=at)
        .order_by("-time", "-event")
        .only("time", "event", "sequence", "depth", "bids", "asks", "bid_boundary", "ask_boundary")
        .first()
    )
    if snap is None:
        raise BookNotAvailable(f"no stored snapshot of {instrument} at or before {at.isoformat()}")
    book = VenueBook(venue=instrument.exchange.venue, symbol=instrument.symbol, depth=snap.depth)
    book.load_snapshot(
        bids=_levels(snap.bids),
        asks=_levels(snap.asks),
        sequence=snap.sequence,
        at=snap.time.timestamp(),
        bid_boundary=snap.bid_boundary,
        ask_boundary=snap.ask_boundary,
    )
    changes = (
        BookDelta.objects.using(using)
        .filter(instrument=instrument, time__gte=snap.time, time__lte=at)
        .filter(Q(time__gt=snap.time) | Q(event__gt=snap.event))
        .order_by("time", "event", "id")
        .values_list("time", "sequence", "bids", "asks")
    )
    # One row per change (rows of one change stored apart, as spilled before books.0005, apply
    # the same one after the other: each level is an absolute quantity).
    for when, sequence, bids, asks in _iterate(changes):
        book.apply(bids=_levels(bids), asks=_levels(asks), sequence=sequence, at=when.timestamp())
    if depth is not None:  # only what is shown: the rebuild above kept every known level
        book.bids.trim(depth)
        book.asks.trim(depth)
    return book


def _iterate(qs) -> Iterator[tuple]:
    return qs.iterator(chunk_size=10_000)


def _levels(stored: list) -> list[tuple[Decimal, Decimal]]:
    """Stored [price, quantity] strings (a snapshot side, a change's side) as exact Decimals."""
    return [(Decimal(p), Decimal(q)) for p, q in stored]


def instrument_by_key(*, venue: str, symbol: str) -> Instrument:
    return Instrument.objects.select_related("exchange").get(exchange__venue=venue, symbol=symbol)
