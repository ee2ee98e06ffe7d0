"""Reads of the tick tables: ticks in a range, snapshots at an interval, bars, and the book at t."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from books.models import BookDelta, BookSnapshot, Trade
from books.orderbook import VenueBook
from books.timebucket import TimeBucket
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
    """Book deltas with start <= time < end, in the order the live book applied them."""
    return (
        BookDelta.objects.using(using)
        .filter(instrument=instrument, time__gte=start, time__lt=end)
        .order_by("time", "event", "id")
    )


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

    Two index-friendly queries rather than window functions (which sort every row): a GROUP BY on
    TimeBucket for high, low, volume, count and each bucket's first and last time, then the rows
    at those times for open and close (ties at one instant broken by the stored order).
    """
    if source == "trade":
        qs = trades_in_range(instrument=instrument, start=start, end=end, using=using)
        value, tiebreak = "price", ("id",)
    elif source == "mid":
        qs = BookSnapshot.objects.using(using).filter(
            instrument=instrument, time__gte=start, time__lt=end, mid__isnull=False
        )
        value, tiebreak = "mid", ("event", "id")
    else:
        raise ValueError(f"bars source must be 'trade' or 'mid', not {source!r}")
    qs = qs.order_by()
    totals = (
        qs.annotate(bucket=TimeBucket("time", interval))
        .values("bucket")
        .annotate(
            high=Max(value),
            low=Min(value),
            first=Min("time"),
            last=Max("time"),
            count=Count("id"),
            **({"volume": Sum("quantity")} if source == "trade" else {}),
        )
    )
    totals = list(totals)
    edges: dict[datetime, list[tuple]] = {}
    wanted = {t["first"] for t in totals} | {t["last"] for t in totals}
    for row in qs.filter(time__in=wanted).values_list("time", *tiebreak, value):
        edges.setdefault(row[0], []).append(row[1:])
    out = []
    for t in sorted(totals, key=lambda t: t["bucket"]):
        out.append(
            {
                "bucket": t["bucket"],
                "open": min(edges[t["first"]])[-1],
                "high": t["high"],
                "low": t["low"],
                "close": max(edges[t["last"]])[-1],
                "volume": t.get("volume"),
                "count": t["count"],
            }
        )
    return out


def book_at(
    *, instrument: Instrument, at: datetime, depth: int | None = None, using: str = "default"
) -> VenueBook:
    """The exact venue book at `at`: the last snapshot at or before it, then every delta after that
    snapshot up to `at`, applied change by change (so depth trimming happens as it did live).
    `depth` limits the returned book to its best `depth` levels a side. BookNotAvailable if no
    snapshot is old enough (before recording began, or removed by retention)."""
    snap = (
        BookSnapshot.objects.using(using)
        .filter(instrument=instrument, time__lte=at)
        .order_by("-time", "-event")
        .only("time", "event", "sequence", "depth", "bids", "asks")
        .first()
    )
    if snap is None:
        raise BookNotAvailable(f"no stored snapshot of {instrument} at or before {at.isoformat()}")
    book = VenueBook(venue=instrument.exchange.venue, symbol=instrument.symbol, depth=snap.depth)
    book.load_snapshot(
        bids=[(Decimal(p), Decimal(q)) for p, q in snap.bids],
        asks=[(Decimal(p), Decimal(q)) for p, q in snap.asks],
        sequence=snap.sequence,
        at=snap.time.timestamp(),
    )
    deltas = (
        BookDelta.objects.using(using)
        .filter(instrument=instrument, time__gte=snap.time, time__lte=at)
        .filter(Q(time__gt=snap.time) | Q(event__gt=snap.event))
        .order_by("time", "event", "id")
        .values_list("time", "event", "sequence", "side", "price", "quantity")
    )
    for (when, _event), rows in groupby(_iterate(deltas), key=lambda r: (r[0], r[1])):
        rows = list(rows)
        book.apply(
            bids=[(r[4], r[5]) for r in rows if r[3] == "b"],
            asks=[(r[4], r[5]) for r in rows if r[3] == "a"],
            sequence=rows[-1][2],
            at=when.timestamp(),
        )
    if depth is not None:
        book.bids.trim(depth)
        book.asks.trim(depth)
    return book


def _iterate(qs) -> Iterator[tuple]:
    return qs.iterator(chunk_size=10_000)


def instrument_by_key(*, venue: str, symbol: str) -> Instrument:
    return Instrument.objects.select_related("exchange").get(exchange__venue=venue, symbol=symbol)
