"""Venue instrument lists, parsed into one shape: what each venue symbol is, in canonical terms.

Pure functions, no I/O. `sync_instruments` fetches the bodies; replay reads them from captures.
Base and quote always come from the venue's own fields (`baseAsset`/`quoteAsset`,
`base_currency`/...), never from cutting the symbol, which fails on ETCBTC or USDCUSDT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from books.numbers import decode_json
from exchanges.venues import VENUES

KINDS = ("spot", "perpetual", "future", "option")

# Deribit lists instruments per currency; these cover its coin-margined and linear books.
# A currency with no instruments answers an empty list, which costs nothing.
DERIBIT_CURRENCIES = ("BTC", "ETH", "SOL", "USDC", "USDT")

# Binance statuses under which a symbol streams a book.
_BINANCE_TRADING = frozenset({"TRADING"})


class InstrumentListError(ValueError):
    """A body that is not the instrument list it should be (an error page, a changed format)."""


@dataclass(frozen=True, slots=True)
class ListedInstrument:
    venue: str
    symbol: str  # the venue's spelling
    base: str
    quote: str
    kind: str  # one of KINDS
    contract_size: Decimal | None = None
    tick_size: Decimal | None = None
    active: bool = True  # the venue trades it now (Binance TRADING, Deribit is_active)

    @property
    def pair(self) -> str:
        return f"{self.base}-{self.quote}"


def instruments_url(venue: str, rest_url: str | None = None, currency: str | None = None) -> str:
    """The REST URL of a venue's instrument list; Deribit needs one call per `currency`."""
    spec = VENUES[venue]
    url = (rest_url or spec.rest_url).rstrip("/") + spec.instruments_path
    if spec.family == "deribit":
        if not currency:
            raise ValueError("Deribit lists instruments per currency: pass currency=")
        url += "?" + urlencode({"currency": currency, "expired": "false"})
    return url


def instruments_urls(
    venue: str, rest_url: str | None = None, currencies: Iterable[str] = DERIBIT_CURRENCIES
) -> list[str]:
    """Every URL whose answers together make the venue's whole list."""
    if VENUES[venue].family == "deribit":
        return [instruments_url(venue, rest_url, c) for c in currencies]
    return [instruments_url(venue, rest_url)]


def parse_binance_exchange_info(venue: str, body: bytes | str | dict) -> list[ListedInstrument]:
    """Spot `/api/v3/exchangeInfo`, USD-M `/fapi/v1/exchangeInfo` or COIN-M `/dapi/v1/exchangeInfo`.

    Spot symbols are kind spot. Futures are perpetual or future by `contractType`; USD-M quantities
    are in base asset (contract size 1), COIN-M ones in contracts of `contractSize` USD.
    """
    if venue not in VENUES or VENUES[venue].family != "binance":
        raise ValueError(f"not a Binance venue: {venue!r}")
    doc = _as_document(body)
    symbols = doc.get("symbols") if isinstance(doc, dict) else None
    if not isinstance(symbols, list):
        raise InstrumentListError(f"{venue}: exchangeInfo without a symbols list")
    futures = venue != "binance"
    out = []
    for row in symbols:
        if not isinstance(row, dict):
            continue
        symbol, base, quote = row.get("symbol"), row.get("baseAsset"), row.get("quoteAsset")
        if not (_text(symbol) and _text(base) and _text(quote)):
            continue
        # COIN-M names its status contractStatus; spot and USD-M call it status.
        status = row.get("status", row.get("contractStatus"))
        if futures:
            kind = _binance_futures_kind(row.get("contractType"))
            if kind is None:
                continue
            contract_size = _decimal(row.get("contractSize")) if venue == "binance-coinm" else Decimal(1)
        else:
            kind, contract_size = "spot", None
        out.append(
            ListedInstrument(
                venue=venue,
                symbol=symbol,
                base=base.upper(),
                quote=quote.upper(),
                kind=kind,
                contract_size=contract_size,
                tick_size=_price_tick(row.get("filters")),
                active=status in _BINANCE_TRADING,
            )
        )
    return out


def parse_deribit_instruments(body: bytes | str | dict, venue: str = "deribit") -> list[ListedInstrument]:
    """One answer of `public/get_instruments` (`{"result": [...]}`); combos are left out.

    Kind: `future` with settlement period `perpetual` is a perpetual. Quote: the currency the
    instrument is priced against. Options are priced in their own coin (quote_currency BTC), so their
    pair names the underlying index instead: `counter_currency` where the list gives it, else USD,
    the currency of every Deribit coin index before counter_currency existed.
    """
    doc = _as_document(body)
    if isinstance(doc, dict) and "error" in doc:
        raise InstrumentListError(f"{venue}: get_instruments answered an error: {doc['error']!r:.200}")
    rows = doc.get("result") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise InstrumentListError(f"{venue}: get_instruments without a result list")
    out = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        name, base = row.get("instrument_name"), row.get("base_currency")
        if not (_text(name) and _text(base)):
            continue
        kind = _deribit_kind(row)
        quote = _deribit_quote(row, kind)
        if kind is None or not quote:
            continue
        out.append(
            ListedInstrument(
                venue=venue,
                symbol=name,
                base=base.upper(),
                quote=quote.upper(),
                kind=kind,
                contract_size=_decimal(row.get("contract_size")),
                tick_size=_decimal(row.get("tick_size")),
                active=row.get("is_active", True) is not False,
            )
        )
    return out


def parse_instrument_list(venue: str, body: bytes | str | dict) -> list[ListedInstrument]:
    """Either parser, chosen by the venue's family."""
    if VENUES[venue].family == "binance":
        return parse_binance_exchange_info(venue, body)
    return parse_deribit_instruments(body, venue=venue)


def _as_document(body: bytes | str | dict):
    if isinstance(body, dict):
        return body
    try:
        return decode_json(body)
    except Exception as exc:  # msgspec.DecodeError, or a non-JSON type
        raise InstrumentListError(f"instrument list is not JSON: {exc}") from None


def _binance_futures_kind(contract_type) -> str | None:
    if not isinstance(contract_type, str) or not contract_type:
        # An empty contractType marks a contract not yet (or no longer) defined, e.g. PENDING_TRADING.
        return None
    # PERPETUAL, and newer variants such as TRADIFI_PERPETUAL; the rest are dated
    # (CURRENT_QUARTER, NEXT_QUARTER, CURRENT_MONTH, NEXT_MONTH, *_DELIVERING).
    return "perpetual" if contract_type.endswith("PERPETUAL") else "future"


def _deribit_kind(row: dict) -> str | None:
    kind = row.get("kind")
    if kind == "future":
        return "perpetual" if row.get("settlement_period") == "perpetual" else "future"
    if kind in ("option", "spot"):
        return kind
    return None  # future_combo, option_combo: no book of their own to consolidate


def _deribit_quote(row: dict, kind: str | None) -> str:
    quote = row.get("quote_currency")
    if kind == "option":
        counter = row.get("counter_currency")
        if _text(counter):
            return counter
        if _text(quote) and quote != row.get("base_currency"):
            return quote
        return "USD"
    return quote if _text(quote) else ""


def _price_tick(filters) -> Decimal | None:
    if not isinstance(filters, list):
        return None
    for f in filters:
        if isinstance(f, dict) and f.get("filterType") == "PRICE_FILTER":
            return _decimal(f.get("tickSize"))
    return None


def _decimal(value) -> Decimal | None:
    """Exact: strings and ints as they are, msgspec's Decimals kept; a float (from a dict decoded
    elsewhere) goes through its shortest repr, which is the text the venue sent."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str) and value.strip():
        try:
            d = Decimal(value.strip())
        except ArithmeticError:
            return None
    else:
        return None
    return d if d.is_finite() and d >= 0 else None


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())
