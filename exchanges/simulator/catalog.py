"""The instruments the simulator lists, with the numbers its books and answers are made of.

At least the seeded instruments of `exchanges/migrations/0002_...`, with the same tick sizes and
contract sizes, plus a few more so a connector meets more than the defaults. `instruments(n)`
lists n of them for a bigger market (`simulate_exchanges --instruments 200`): the catalog, then
made-up coins X001, X002... each listed on Binance spot, USD-M and COIN-M in turn, so their
pairs have several venues to consolidate. `only(["binance:BTCUSDT", ...])` lists just the named
ones (`--only`), so a market streams no book that nobody reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from exchanges.types import InstrumentSpec


@dataclass(frozen=True)
class SimInstrument:
    venue: str
    symbol: str
    base: str
    quote: str
    kind: str  # spot, perpetual
    tick: Decimal  # price step
    step: Decimal  # quantity step (contracts on COIN-M, USD on Deribit inverse perpetuals)
    mid: Decimal  # starting mid price
    typical_qty: Decimal  # a usual level quantity, in the instrument's quantity unit
    contract_size: Decimal | None = None

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"

    @cached_property
    def plain_str(self) -> bool:
        """Whether str() writes every multiple of the tick and of the step in plain form (no
        exponent: "65000.10", "0.00000"), as it does when their exponents are from -6 to 0."""
        return all(-6 <= unit.as_tuple().exponent <= 0 for unit in (self.tick, self.step))

    @property
    def pair(self) -> str:
        return f"{self.base}-{self.quote}"

    def spec(self) -> InstrumentSpec:
        return InstrumentSpec(
            venue=self.venue,
            symbol=self.symbol,
            pair=self.pair,
            kind=self.kind,
            contract_size=self.contract_size,
            tick_size=self.tick,
        )


def _d(text: str) -> Decimal:
    return Decimal(text)


CATALOG: tuple[SimInstrument, ...] = (
    # Binance spot
    SimInstrument(
        "binance", "BTCUSDT", "BTC", "USDT", "spot", _d("0.01"), _d("0.00001"), _d("65000"), _d("0.5")
    ),
    SimInstrument("binance", "ETHUSDT", "ETH", "USDT", "spot", _d("0.01"), _d("0.0001"), _d("3500"), _d("5")),
    SimInstrument("binance", "SOLUSDT", "SOL", "USDT", "spot", _d("0.01"), _d("0.001"), _d("150"), _d("50")),
    SimInstrument(
        "binance", "ETHBTC", "ETH", "BTC", "spot", _d("0.00001"), _d("0.0001"), _d("0.05385"), _d("5")
    ),
    # Binance USD-M futures
    SimInstrument(
        "binance-usdm",
        "BTCUSDT",
        "BTC",
        "USDT",
        "perpetual",
        _d("0.1"),
        _d("0.001"),
        _d("65010"),
        _d("1"),
        _d("1"),
    ),
    SimInstrument(
        "binance-usdm",
        "ETHUSDT",
        "ETH",
        "USDT",
        "perpetual",
        _d("0.01"),
        _d("0.001"),
        _d("3501"),
        _d("10"),
        _d("1"),
    ),
    SimInstrument(
        "binance-usdm",
        "SOLUSDT",
        "SOL",
        "USDT",
        "perpetual",
        _d("0.01"),
        _d("0.01"),
        _d("150.1"),
        _d("80"),
        _d("1"),
    ),
    # Binance COIN-M futures: quantities in whole contracts of 100 USD (BTC) or 10 USD (others)
    SimInstrument(
        "binance-coinm",
        "BTCUSD_PERP",
        "BTC",
        "USD",
        "perpetual",
        _d("0.1"),
        _d("1"),
        _d("64990"),
        _d("200"),
        _d("100"),
    ),
    SimInstrument(
        "binance-coinm",
        "ETHUSD_PERP",
        "ETH",
        "USD",
        "perpetual",
        _d("0.01"),
        _d("1"),
        _d("3499"),
        _d("300"),
        _d("10"),
    ),
    # Deribit inverse perpetuals: amounts in USD, multiples of the contract size
    SimInstrument(
        "deribit",
        "BTC-PERPETUAL",
        "BTC",
        "USD",
        "perpetual",
        _d("0.5"),
        _d("10"),
        _d("65020"),
        _d("20000"),
        _d("10"),
    ),
    SimInstrument(
        "deribit",
        "ETH-PERPETUAL",
        "ETH",
        "USD",
        "perpetual",
        _d("0.05"),
        _d("1"),
        _d("3502"),
        _d("5000"),
        _d("1"),
    ),
)


def by_venue(venue: str) -> list[SimInstrument]:
    return [i for i in CATALOG if i.venue == venue]


GENERATED_VENUES = ("binance", "binance-usdm", "binance-coinm")
MAX_INSTRUMENTS = len(CATALOG) + 3 * 999  # coins X001..X999


def generated_instrument(number: int) -> SimInstrument:
    """The `number`-th made-up instrument (0-based): coin X001 on spot, USD-M, COIN-M, then X002...

    Prices from 20 to about 1,000 at a 0.01 tick (2,000 ticks or more below the mid, room for the
    deepest book a walk seeds); the same number always gives the same instrument."""
    coin, venue = divmod(number, len(GENERATED_VENUES))
    base = f"X{coin + 1:03d}"
    mid = Decimal(20 + (coin * 7919) % 980)
    tick = _d("0.01")
    venue_id = GENERATED_VENUES[venue]
    if venue_id == "binance":
        return SimInstrument(venue_id, f"{base}USDT", base, "USDT", "spot", tick, _d("0.01"), mid, _d("100"))
    if venue_id == "binance-usdm":
        return SimInstrument(
            venue_id, f"{base}USDT", base, "USDT", "perpetual", tick, _d("0.01"), mid, _d("100"), _d("1")
        )
    return SimInstrument(
        venue_id, f"{base}USD_PERP", base, "USD", "perpetual", tick, _d("1"), mid, _d("50"), _d("10")
    )


def instruments(count: int | None = None) -> list[SimInstrument]:
    """`count` instruments: None, the catalog; fewer than the catalog, its first `count`; more, the
    catalog and then `count - len(CATALOG)` made-up ones (generated_instrument)."""
    if count is None:
        return list(CATALOG)
    if not 1 <= count <= MAX_INSTRUMENTS:
        raise ValueError(f"instruments must be 1..{MAX_INSTRUMENTS}, not {count}")
    if count <= len(CATALOG):
        return list(CATALOG[:count])
    return list(CATALOG) + [generated_instrument(n) for n in range(count - len(CATALOG))]


def only(keys: list[str], listed: list[SimInstrument] | None = None) -> list[SimInstrument]:
    """The instruments named `venue:symbol` (in the catalog's order), out of `listed` (default
    the catalog); a name not listed is refused with the list of those that are."""
    listed = list(CATALOG) if listed is None else listed
    wanted = {key.strip() for key in keys if key.strip()}
    known = {inst.key for inst in listed}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"unknown instruments {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if not wanted:
        raise ValueError("no instrument named")
    return [inst for inst in listed if inst.key in wanted]
