"""The instruments the simulator lists, with the numbers its books and answers are made of.

At least the seeded instruments of `exchanges/migrations/0002_...`, with the same tick sizes and
contract sizes, plus a few more so a connector meets more than the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
