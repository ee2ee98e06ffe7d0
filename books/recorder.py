"""TickRecorder: the FeedSink that turns book changes and trades into tick rows for the writer.

Runs on the event loop, so it only builds tuples and hands them to `TickWriter.submit` (O(1)).
A book change is one delta row holding the change's level lists as the connector handed them over
(not copied: connectors never change a list after handing it to the sinks); the writer thread
checks and encodes them.

Exactness of `book_at` rests on two rules kept here:
1. Every book change gets an `event` number from one counter that only grows (seeded from the
   clock, so a restarted process continues above the last one), and its rows a time that never goes
   back for that instrument (venue times can repeat or step back slightly; we hold them at the
   last one). So ordering rows by (time, event) is the order the live book applied them.
   A change with no level (nothing changed) gets its number but no row.
2. A snapshot row carries the event number of the change it follows, the book AFTER it and the
   book's boundaries (books/orderbook.py): the last snapshot at or before t plus the deltas after
   it (by time, event) up to t, those past a boundary ignored as live, is the book at t.
A (re)sync (`snapshot=True`) writes only the snapshot: it replaces the whole book, so its levels
as deltas would say nothing more.
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings

from books.numbers import SpelledLevels
from books.storage.tables import BadRow, spelled_json
from books.writer import TickWriter

log = logging.getLogger("books.recorder")


@dataclass(slots=True)
class _InstrumentState:
    last_ts: float = float("-inf")
    last_snapshot: float = float("-inf")


_MID_STEP = Decimal(1).scaleb(-18)
_SIDE = {"buy": "buy", "sell": "sell", "b": "buy", "s": "sell", "bid": "sell", "ask": "buy"}


class TickRecorder:
    def __init__(
        self, *, writer: TickWriter, snapshot_interval: float, snapshot_depth: int | None = None
    ) -> None:
        """`snapshot_depth=None` stores whole books (needed for an exact `book_at` at every depth)."""
        self.writer = writer
        self.snapshot_interval = snapshot_interval
        self.snapshot_depth = snapshot_depth
        self._events = itertools.count(time.time_ns() // 1000)
        self._state: dict[int, _InstrumentState] = {}
        self.skipped_no_id = 0
        self.refused = 0

    # -- FeedSink ------------------------------------------------------------------------------
    def book_changed(self, spec, book, *, ts: float, bids, asks, snapshot: bool) -> None:
        iid = spec.id
        if iid is None:
            self.skipped_no_id += 1
            return
        state = self._state.get(iid)
        if state is None:
            state = self._state[iid] = _InstrumentState()
        if ts < state.last_ts:
            ts = state.last_ts
        state.last_ts = ts
        at = datetime.fromtimestamp(ts, UTC)
        event = next(self._events)
        seq = book.sequence
        if not snapshot and (bids or asks):
            # The hot path: one row per change, whatever its size. Levels were checked where they
            # entered (the connectors' parsers); the writer checks the row again in its own thread.
            if type(bids) is SpelledLevels and type(asks) is SpelledLevels:
                # The venue's own decimal strings, already checked: stored as they came, one
                # encode for the list instead of a str() per number.
                row = (at, iid, seq, event, spelled_json(bids.spelled), spelled_json(asks.spelled))
            else:
                row = (at, iid, seq, event, bids, asks)
            self.writer.submit("delta", row, check=False)
        if snapshot or ts - state.last_snapshot >= self.snapshot_interval:
            state.last_snapshot = ts
            self._submit("snapshot", self._snapshot_row(book, at=at, iid=iid, event=event))

    def trade(self, spec, trade) -> None:
        iid = spec.id
        if iid is None:
            self.skipped_no_id += 1
            return
        side = _SIDE.get(trade.side, trade.side)
        self._submit(
            "trade",
            (datetime.fromtimestamp(trade.ts, UTC), iid, str(trade.trade_id), trade.price, trade.qty, side),
        )

    def state_changed(self, event) -> None:
        pass

    # -- helpers -------------------------------------------------------------------------------
    def _submit(self, table: str, row: tuple) -> None:
        try:
            self.writer.submit(table, row)
        except BadRow as exc:
            # Counted by the writer; one bad level must not cost the rest of the change.
            self.refused += 1
            if self.refused <= 10 or self.refused % 1000 == 0:
                log.warning("%s (refused so far: %d)", exc, self.refused)

    def _snapshot_row(self, book, *, at: datetime, iid: int, event: int) -> tuple:
        n = self.snapshot_depth if self.snapshot_depth is not None else max(len(book.bids), len(book.asks))
        bids, asks = book.top(n)
        best_bid = bids[0][0] if bids else None
        best_ask = asks[0][0] if asks else None
        mid = spread = None
        if best_bid is not None and best_ask is not None:
            mid = (best_bid + best_ask) / 2
            if mid.as_tuple().exponent < -18:  # half a tick of an 18-decimal price: round the mid
                mid = mid.quantize(_MID_STEP)
            spread = best_ask - best_bid
            if spread < 0:  # a crossed book is stored as it was; a negative spread is not a quantity
                spread = None
        # The boundaries go with the levels, so book_at ignores the deltas the live book ignored.
        # A side stored cut at snapshot_depth is known only down to its last stored level.
        bid_boundary = bids[-1][0] if bids and len(book.bids) > len(bids) else book.bid_boundary
        ask_boundary = asks[-1][0] if asks and len(book.asks) > len(asks) else book.ask_boundary
        return (
            at,
            iid,
            book.sequence,
            event,
            book.depth,
            bids,
            asks,
            best_bid,
            best_ask,
            mid,
            spread,
            bid_boundary,
            ask_boundary,
        )

    # -- life ----------------------------------------------------------------------------------
    def flush(self, timeout: float = 10.0) -> bool:
        return self.writer.flush(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Flush and stop the writer (blocking: call it off the event loop)."""
        return self.writer.stop(timeout)

    def stats(self) -> dict:
        return {**self.writer.stats(), "skipped_no_id": self.skipped_no_id, "refused_events": self.refused}


def build_recorder(*, using: str = "default", name: str = "ticks", **writer_options) -> TickRecorder:
    """The recorder the feed process and `replay --store` use: writer from settings, started."""
    conf = settings.MARKETAGG
    writer = TickWriter(using=using, name=name, **writer_options).start()
    return TickRecorder(writer=writer, snapshot_interval=float(conf["SNAPSHOT_INTERVAL"]))
