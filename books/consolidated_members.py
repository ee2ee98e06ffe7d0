"""The members of a consolidated book: one venue instrument each, with its conversion to base
units, its venue book and its part of the consolidated levels (books/consolidated.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from books.conversion import ConversionError, Converter, converter_for, quote_of
from books.orderbook import VenueBook
from exchanges.types import InstrumentSpec


@dataclass(slots=True, eq=False)
class Member:
    """One venue instrument of a consolidated book, and whether it is in it now."""

    key: str
    venue: str
    symbol: str
    quote: str
    kind: str
    state: str = "connecting"
    reason: str = ""
    included: bool = False
    spec: InstrumentSpec | None = field(default=None, repr=False)
    converter: Converter | None = field(default=None, repr=False)
    book: VenueBook | None = field(default=None, repr=False)  # the venue book, to put back on return
    # The member's contribution in venue units (empty while out): price -> venue quantity.
    bids: dict[Decimal, Decimal] = field(default_factory=dict, repr=False)
    asks: dict[Decimal, Decimal] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "venue": self.venue,
            "symbol": self.symbol,
            "quote": self.quote,
            "kind": self.kind,
            "state": self.state,
            "reason": self.reason,
            "included": self.included,
        }


def member_for(spec: InstrumentSpec) -> Member:
    member = Member(
        key=spec.key, venue=spec.venue, symbol=spec.symbol, quote=quote_of(spec), kind=spec.kind, spec=spec
    )
    try:
        member.converter = converter_for(spec)
    except ConversionError as exc:
        member.state, member.reason = "invalid", str(exc)
    return member
