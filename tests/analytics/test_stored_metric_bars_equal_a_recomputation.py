"""Metric bars stored by the live path (LiveMetrics -> 1 s bars -> the tick writer -> the
partitioned table) and rolled up to 1 min equal bars recomputed in the test from the same inputs.

The inputs are a sequence of quotes across a minute boundary; the expected bars come from the
quotes alone (mid and spread worked out here), never from the code under test."""

import math
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from analytics.live import ConfigSpec, LiveMetrics
from analytics.selectors import bars_in_range
from analytics.services import metric_bars_roll_up
from books.writer import TickWriter
from tests.analytics.metric_books import TinyBook

pytestmark = pytest.mark.django_db(transaction=True)
T = 1795000020.0  # a whole minute (29916667 x 60)
PAIR = "BTC-USDT"


def quotes():
    """(time, bid, ask): every 0.15 s from 3 s before the minute to 2 s after it."""
    for i in range(34):
        bid = 100 + (i % 7) * 0.5
        yield T - 3 + i * 0.15, bid, bid + 1 + (i % 3) * 0.25


def expected(bucket_of) -> dict[tuple[str, datetime], tuple]:
    values: dict[tuple[str, datetime], list[float]] = {}
    for t, bid, ask in quotes():
        mid = (bid + ask) / 2
        at = bucket_of(t)
        for name, v in (("mid", mid), ("spread.abs", ask - bid), ("spread.bps", (ask - bid) / mid * 10_000)):
            values.setdefault((name, at), []).append(v)
    return {k: (v[0], max(v), min(v), v[-1], sum(v) / len(v), len(v)) for k, v in values.items()}


def stored(interval: str) -> dict[tuple[str, datetime], tuple]:
    start, end = datetime.fromtimestamp(T - 120, UTC), datetime.fromtimestamp(T + 120, UTC)
    out = {}
    for name in ("mid", "spread.abs", "spread.bps"):
        for b in bars_in_range(pair=PAIR, metric=name, interval=interval, start=start, end=end):
            out[(name, b.time)] = (b.open, b.high, b.low, b.close, b.mean, b.count)
    return out


def same(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for key, row in want.items():
        assert got[key] == pytest.approx(row, rel=1e-12), key


def test_stored_bars_equal_a_recomputation():
    spill = Path(settings.MARKETAGG["WRITER_SPILL_DIR"]) / f"test-{uuid.uuid4().hex}"
    writer = TickWriter(name="metricbars", spill_dir=spill, flush_interval=0.05).start()
    clock = [0.0]  # the quotes' own times: each 0.15 s after the last, above the 10/s guard
    live = LiveMetrics(
        [ConfigSpec(PAIR, "mid", "mid"), ConfigSpec(PAIR, "spread", "spread")],
        hz=10,
        writer=writer,
        clock=lambda: clock[0],
    )
    for t, bid, ask in quotes():
        clock[0] = t
        live.compute(PAIR, TinyBook([(str(bid), "1")], [(str(ask), "1")], updated_at=t), t)
    assert live.close(timeout=10)
    assert writer.stats()["written"] == live.bars.emitted > 0

    def second(t):
        return datetime.fromtimestamp(math.floor(t), UTC)

    same(stored("1s"), expected(second))

    def minute(t):
        return datetime.fromtimestamp(math.floor(t / 60) * 60, UTC)

    # The clock pinned two minutes on: both minutes are complete and settled.
    done = metric_bars_roll_up(now=datetime.fromtimestamp(T + 120, UTC))
    assert done["bars"] == 6
    same(stored("1m"), expected(minute))
    # Again: the same bars, never counted twice.
    metric_bars_roll_up(now=datetime.fromtimestamp(T + 120, UTC) + timedelta(seconds=30))
    same(stored("1m"), expected(minute))
