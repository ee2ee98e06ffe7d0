"""Venue quantities into base-asset units, per instrument, from its own metadata.

- spot and linear (USD-M) books: quantities are already in the base asset;
- Binance COIN-M (inverse): quantities are contracts of `contract_size` USD each, so
  base = contracts x contract_size / price;
- Deribit inverse instruments (perpetuals and futures quoted in USD): amounts are USD, so
  base = amount / price (Deribit's linear USDC instruments are in base units already).

Options never join a consolidated book: their prices are premiums, not prices of the coin.
Divisions run in a local context of 28 significant digits, so a converted quantity never
depends on the caller's decimal context.
"""

from __future__ import annotations

from decimal import Context, Decimal

from exchanges.types import InstrumentSpec

DIVISION = Context(prec=28)
NOT_CONSOLIDATED_KINDS = frozenset({"option"})
INVERSE_KINDS = frozenset({"perpetual", "future"})


class ConversionError(ValueError):
    """An instrument whose metadata cannot give base units (e.g. COIN-M without a contract size)."""


def pair_of(spec: InstrumentSpec) -> str:
    """The consolidated pair an instrument joins: `consolidate_into` or its own pair; "" for none."""
    if spec.kind in NOT_CONSOLIDATED_KINDS:
        return ""
    return spec.consolidate_into or spec.pair


def quote_of(spec: InstrumentSpec) -> str:
    """The quote asset of the instrument's own pair ("BTC-USD" -> "USD")."""
    return spec.pair.rsplit("-", 1)[-1] if "-" in spec.pair else ""


class Converter:
    """Turns one instrument's venue quantities into base units and back. Built once per instrument.

    `mode` is "base" (as is), "contracts" (x contract_size / price) or "usd" (/ price).
    """

    __slots__ = ("mode", "size")

    def __init__(self, *, mode: str, size: Decimal | None = None) -> None:
        if mode not in ("base", "contracts", "usd"):
            raise ValueError(f"unknown conversion mode {mode!r}")
        if mode == "contracts" and (size is None or size <= 0):
            raise ConversionError("a contract-denominated book needs a positive contract size")
        self.mode = mode
        self.size = size

    def to_base(self, qty: Decimal, price: Decimal) -> Decimal:
        mode = self.mode
        if mode == "base" or not qty:
            return qty
        if mode == "usd":
            return DIVISION.divide(qty, price)
        return DIVISION.divide(DIVISION.multiply(qty, self.size), price)

    def to_venue(self, base: Decimal, price: Decimal) -> Decimal:
        """The inverse of `to_base` (for round-trip checks and for sizing orders in venue units)."""
        mode = self.mode
        if mode == "base" or not base:
            return base
        if mode == "usd":
            return DIVISION.multiply(base, price)
        return DIVISION.divide(DIVISION.multiply(base, price), self.size)

    def __repr__(self) -> str:
        return f"Converter(mode={self.mode!r}, size={self.size!r})"


def converter_for(spec: InstrumentSpec) -> Converter:
    """The conversion the instrument's venue and kind call for. Raises ConversionError."""
    if spec.kind in NOT_CONSOLIDATED_KINDS:
        raise ConversionError(f"{spec.key} is an option: options are never consolidated")
    if spec.kind in INVERSE_KINDS and spec.venue == "binance-coinm":
        return Converter(mode="contracts", size=spec.contract_size)
    if spec.kind in INVERSE_KINDS and spec.venue == "deribit" and quote_of(spec) == "USD":
        return Converter(mode="usd")
    return Converter(mode="base")


def to_base(*, spec: InstrumentSpec, qty: Decimal, price: Decimal) -> Decimal:
    """One venue quantity at `price` in base-asset units."""
    return converter_for(spec).to_base(qty, price)


def to_venue(*, spec: InstrumentSpec, base: Decimal, price: Decimal) -> Decimal:
    """A base-asset quantity at `price` in the venue's own units (contracts, USD or base)."""
    return converter_for(spec).to_venue(base, price)


# Quote assets a USD-quoted inverse perpetual merges into by default (exchanges/defaults.py seeds
# BTCUSD_PERP and BTC-PERPETUAL into BTC-USDT the same way).
USD_INTO = "USDT"
USD_INVERSE_VENUES = frozenset({"binance-coinm", "deribit"})


def default_consolidate_into(*, venue: str, kind: str, base: str, quote: str) -> str:
    """Where an instrument merges when nobody said: a USD-quoted perpetual on Binance COIN-M or
    Deribit joins BASE-USDT (the USD and USDT prices of a coin are one market for a trader); dated
    futures and everything else stay in their own pair ("")."""
    if venue in USD_INVERSE_VENUES and kind == "perpetual" and quote == "USD" and base:
        return f"{base}-{USD_INTO}"
    return ""
