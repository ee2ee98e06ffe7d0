"""The 1-minute trade rollup: books_trade summed up into TradeMinute, which `bars()` reads.

Progress is one number, the highest trade id rolled up (RollupState "trade_minutes"). A run takes
the trades stored since (by id, not by time: a replay of old history gets new ids too), finds the
minutes they fall in, and recomputes those minutes whole from books_trade. Recomputing rather than
adding makes it idempotent: running twice, or over a minute already rolled, never counts twice.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime

from django.db import OperationalError, connections, transaction
from django.utils import timezone

from books.models import RollupState, Trade, TradeMinute
from books.selectors import MINUTE, TRADE_MINUTES, ceil_minute, trade_minutes
from books.timebucket import TimeBucket

log = logging.getLogger("books.rollup")
BATCH_IDS = 2_000_000  # trade ids per unit (one transaction): bounds the work and locks of one step
_DELETE_CHUNK = 500


def _settled_id(using: str) -> int | None:
    """The highest trade id below which no insert is still in flight, or None if we could not tell.

    Ids come from a sequence at insert time, but commits land in any order: a batch holding ids
    below the max seen could still commit later and would be skipped for good. On PostgreSQL a
    SHARE lock waits for the open inserting transactions (their ids are then all visible) and is
    released at once; a long one makes us give up this run (lock_timeout) rather than stall the
    writer queued behind us. SQLite has one writer, whose uncommitted ids are above every visible one.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        return Trade.objects.using(using).order_by("-id").values_list("id", flat=True).first() or 0
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("LOCK TABLE books_trade IN SHARE MODE")
            cursor.execute("SELECT max(id) FROM books_trade")
            return cursor.fetchone()[0] or 0
    except OperationalError as exc:
        log.warning("trade rollup skipped: trades are being written in a long transaction (%s)", exc)
        return None


def _roll_unit(*, using: str, settled: int, batch: int) -> dict | None:
    """One step: the trades after the state's id (at most `batch` ids, none above `settled`),
    their minutes recomputed, the state advanced, in one transaction. None when nothing is left."""
    with transaction.atomic(using=using):
        state, _ = RollupState.objects.using(using).select_for_update().get_or_create(name=TRADE_MINUTES)
        after = state.last_trade_id
        trades = Trade.objects.using(using).order_by()
        first = (
            trades.filter(id__gt=after, id__lte=settled).order_by("id").values_list("id", flat=True).first()
        )
        if first is None:
            return None
        upto = min(first + batch - 1, settled)
        touched = (
            trades.filter(id__gt=after, id__lte=upto)
            .annotate(minute=TimeBucket("time", MINUTE))
            .values_list("instrument_id", "minute")
            .distinct()
        )
        minutes: dict[int, set[datetime]] = defaultdict(set)
        for instrument_id, minute in touched:
            minutes[instrument_id].add(minute)
        for instrument_id, wanted in minutes.items():
            rows = trade_minutes(
                instrument=instrument_id, ranges=[(m, m + MINUTE) for m in wanted], using=using
            )
            ordered = sorted(wanted)
            for i in range(0, len(ordered), _DELETE_CHUNK):
                TradeMinute.objects.using(using).filter(
                    instrument_id=instrument_id, bucket__in=ordered[i : i + _DELETE_CHUNK]
                ).delete()
            TradeMinute.objects.using(using).bulk_create(
                [
                    TradeMinute(
                        instrument_id=instrument_id,
                        bucket=r["bucket"],
                        open=r["open"],
                        high=r["high"],
                        low=r["low"],
                        close=r["close"],
                        volume=r["volume"],
                        count=r["count"],
                        first_time=r["first"][0],
                        first_id=r["first"][1],
                        last_time=r["last"][0],
                        last_id=r["last"][1],
                    )
                    for r in rows
                ],
                batch_size=1000,
            )
        state.last_trade_id = upto
        state.rolled_at = timezone.now()
        state.save(update_fields=["last_trade_id", "rolled_at"])
    return {"through_id": upto, "minutes": sum(len(m) for m in minutes.values())}


def trade_minutes_roll_up(*, using: str = "default", batch: int = BATCH_IDS) -> dict:
    """Roll every settled trade not rolled yet into TradeMinute. Safe to run at any time, twice,
    or from two processes at once (the state row is locked for each step). Returns counts."""
    started = time.monotonic()
    settled = _settled_id(using)
    result: dict = {"units": 0, "minutes": 0, "through_id": None, "skipped": settled is None}
    while settled is not None:
        step = _roll_unit(using=using, settled=settled, batch=batch)
        if step is None:
            break
        result["units"] += 1
        result["minutes"] += step["minutes"]
        result["through_id"] = step["through_id"]
    result["seconds"] = round(time.monotonic() - started, 3)
    if result["units"]:
        log.info("trade minutes rolled up: %s", result)
    return result


def trade_minutes_prune(*, cutoff: datetime, using: str = "default") -> int:
    """Retention of the rollup: minutes before `cutoff` (rounded up to a minute) are deleted and
    from then on read raw by `bars()`, so they agree with whatever trades retention left there."""
    edge = ceil_minute(cutoff)
    with transaction.atomic(using=using):
        state, _ = RollupState.objects.using(using).select_for_update().get_or_create(name=TRADE_MINUTES)
        if state.pruned_before is None or state.pruned_before < edge:
            state.pruned_before = edge
            state.save(update_fields=["pruned_before"])
        deleted, _ = TradeMinute.objects.using(using).filter(bucket__lt=state.pruned_before).delete()
    return deleted


__all__ = ["BATCH_IDS", "trade_minutes_prune", "trade_minutes_roll_up"]
