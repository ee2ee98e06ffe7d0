"""What a walk hands the streams: book events and trades, each encoding its frames once.

An event's frame text is the same for every connection that sends it (Binance's combined-stream
wrapper goes around it per connection), so it is built at the first delivery and kept on the
event: `encoded(key, build)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

Entry = tuple[Decimal, Decimal, str]  # price, absolute quantity (0 = removed), Deribit action


@dataclass(slots=True)
class BookEvent:
    """One change of the truth: update ids `first..last`, the previous event's `prev` (`pu`,
    Deribit's `prev_change_id`) and the levels that changed, with their absolute quantities."""

    first: int
    last: int
    prev: int
    ts_ms: int
    bids: list[Entry]
    asks: list[Entry]
    top_changed: bool = False
    # Encoded frames, built once per event and shared by every connection that sends it.
    cache: dict | None = field(default=None, repr=False)

    def encoded(self, key, build):
        cache = self.cache
        if cache is None:
            cache = self.cache = {}
        text = cache.get(key)
        if text is None:
            text = cache[key] = build()
        return text


@dataclass(slots=True)
class TradeTick:
    trade_id: int
    ts_ms: int
    price: Decimal
    qty: Decimal
    buyer_is_maker: bool  # Binance "m": True means the taker sold
    cache: dict = field(default_factory=dict, repr=False)

    def encoded(self, key, build):
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = build()
        return text
