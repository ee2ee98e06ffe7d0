"""Plain data passed between the feed parts: no ORM objects on the hot path.

Connectors read `InstrumentSpec` and `Endpoints`, keep `VenueBook`s, and report to a `FeedSink`:
book changes (with the exact levels that changed), trades and state changes. The tick writer,
the consolidated book and the channel-layer publisher are sinks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from exchanges.venues import VENUES

if TYPE_CHECKING:
    from books.orderbook import Level, VenueBook


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    venue: str  # venue id: binance, binance-usdm, binance-coinm, deribit
    symbol: str  # the venue's spelling: BTCUSDT, BTCUSD_PERP, BTC-PERPETUAL
    pair: str = ""  # canonical BASE-QUOTE, from the venue's instrument list
    kind: str = "spot"
    contract_size: Decimal | None = None
    tick_size: Decimal | None = None
    depth: int = 1000  # levels per side shown and stored, and the snapshot depth asked for
    stale_after: float = 30.0  # seconds without a book change before the book is stale
    id: int | None = None  # exchanges.Instrument primary key, where the instrument is in the database
    consolidate_into: str = ""

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a venue is reached. Defaults are the real exchange; the simulator and replay override."""

    ws_url: str
    rest_url: str

    @classmethod
    def default(cls, venue: str) -> Endpoints:
        v = VENUES[venue]
        return cls(ws_url=v.ws_url, rest_url=v.rest_url)


@dataclass(slots=True)
class TradeEvent:
    venue: str
    symbol: str
    ts: float  # venue event time, Unix seconds
    trade_id: str
    price: Decimal
    qty: Decimal
    side: str  # taker side: "buy" or "sell"


@dataclass(slots=True)
class StateEvent:
    venue: str
    symbol: str  # "" for a connection-level state
    state: str  # connecting, syncing, live, stale, resyncing, backoff
    ts: float
    counters: dict = field(default_factory=dict)
    reason: str = ""


class FeedSink(Protocol):
    """Receives everything a connector learns. Calls come on the event loop: never block."""

    def book_changed(
        self,
        spec: InstrumentSpec,
        book: VenueBook,
        *,
        ts: float,
        bids: list[Level],
        asks: list[Level],
        snapshot: bool,
    ) -> None:
        """`bids`/`asks`: the absolute quantities just applied (zero = removed). `snapshot`: the book
        was (re)loaded whole, e.g. at first sync or after a resync; then the lists hold the full book."""

    def trade(self, spec: InstrumentSpec, trade: TradeEvent) -> None: ...

    def state_changed(self, event: StateEvent) -> None: ...


class NullSink:
    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        pass

    def trade(self, spec, trade) -> None:
        pass

    def state_changed(self, event) -> None:
        pass


class FanoutSink:
    """Several sinks behind one; a sink that raises is logged and the others still get the event."""

    def __init__(self, *sinks) -> None:
        self.sinks = [s for s in sinks if s is not None]

    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        for s in self.sinks:
            try:
                s.book_changed(spec, book, ts=ts, bids=bids, asks=asks, snapshot=snapshot)
            except Exception:
                _sink_failed(s)

    def trade(self, spec, trade) -> None:
        for s in self.sinks:
            try:
                s.trade(spec, trade)
            except Exception:
                _sink_failed(s)

    def state_changed(self, event) -> None:
        for s in self.sinks:
            try:
                s.state_changed(event)
            except Exception:
                _sink_failed(s)


def _sink_failed(sink) -> None:
    import logging

    logging.getLogger("exchanges.sinks").exception(
        "sink %s failed; the others still get the event", type(sink).__name__
    )
