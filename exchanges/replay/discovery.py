"""Which instruments a capture carries, as InstrumentSpecs, from the capture alone.

Symbols come from every place a capture names one, so a capture without an instrument list
still replays: the `open` URLs' `streams=` (`<sym>@depth...`), subscribe calls (Binance
SUBSCRIBE params, Deribit `book.<instrument>.<interval>` channels), the depth frames themselves
(`depthUpdate` `s`, Deribit `instrument_name`) and the snapshot URLs. Pair, kind, contract
size and tick size come from a recorded instrument list (exchangeInfo, get_instruments) where
the capture holds one; otherwise the pair stays blank. The depth is the `limit` (Binance) or
`depth` (Deribit) the capture's snapshot requests asked for, else 1000.

Consolidation (no database rows in a replay): an instrument joins the consolidated book of its
own pair, except a USD-quoted perpetual on binance-coinm or deribit, which joins BASE-USDT like
the seeded defaults (books.conversion.default_consolidate_into); dated futures keep their own
pair; options and instruments without a listed pair join none.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import msgspec

from books.conversion import default_consolidate_into
from books.numbers import decode_json
from exchanges.capture import CaptureLine
from exchanges.replay.script import venue_of
from exchanges.replay.ws_host import streams_in
from exchanges.types import InstrumentSpec
from exchanges.venues import VENUES

DEFAULT_DEPTH = 1000


def discover_specs(lines: list[CaptureLine]) -> list[InstrumentSpec]:
    symbols: dict[tuple[str, str], int | None] = {}
    listed: dict[tuple[str, str], object] = {}

    def found(venue: str, symbol: str, depth: int | None = None) -> None:
        if not symbol:
            return
        key = (venue, symbol)
        if depth is not None or key not in symbols:
            symbols[key] = depth if depth is not None else symbols.get(key)

    venues: dict[str, tuple[str | None, bool]] = {}  # url -> (venue, binance): few URLs, many lines
    for line in lines:
        known = venues.get(line.url)
        if known is None:
            venue = venue_of(line.url)
            known = venues[line.url] = (venue, venue is not None and VENUES[venue].family == "binance")
        venue, binance = known
        if venue is None:
            continue
        if line.t == "ws":
            symbol = _depth_frame_symbol(line.data or "", binance=binance)
            if symbol and (venue, symbol) not in symbols:
                found(venue, symbol)
        elif line.t == "open":
            for stream in streams_in(urlsplit(line.url).query):
                if "@depth" in stream and binance:
                    found(venue, stream.split("@", 1)[0].upper())
        elif line.t == "sent":
            for symbol in _subscribed(line.data or "", binance=binance):
                found(venue, symbol)
        elif line.t == "http":
            parts = urlsplit(line.url)
            query = dict(parse_qsl(parts.query))
            definition = VENUES[venue]
            if parts.path.rstrip("/") == definition.snapshot_path:
                name = query.get("symbol") if binance else query.get("instrument_name")
                size = query.get("limit") if binance else query.get("depth")
                found(venue, name or "", int(size) if size and size.isdigit() else None)
            elif parts.path.rstrip("/") == definition.instruments_path:
                for item in _listing(venue, line.data or ""):
                    listed[(venue, item.symbol)] = item

    specs = []
    for (venue, symbol), depth in sorted(symbols.items()):
        item = listed.get((venue, symbol))
        extra: dict = {}
        if item is not None:
            kind = getattr(item, "kind", "") or "spot"
            extra = {
                "pair": getattr(item, "pair", "") or "",
                "kind": kind,
                "contract_size": _decimal(getattr(item, "contract_size", None)),
                "tick_size": _decimal(getattr(item, "tick_size", None)),
                "consolidate_into": default_consolidate_into(
                    venue=venue,
                    kind=kind,
                    base=getattr(item, "base", "") or "",
                    quote=getattr(item, "quote", "") or "",
                ),
            }
        else:
            extra = {"kind": _kind_from_name(venue, symbol)}
        specs.append(InstrumentSpec(venue=venue, symbol=symbol, depth=depth or DEFAULT_DEPTH, **extra))
    return specs


def _kind_from_name(venue: str, symbol: str) -> str:
    """Without an instrument list, the kind the venue's naming rules imply (pairs are never guessed)."""
    if venue == "binance":
        return "spot"
    if VENUES[venue].family == "deribit":
        return (
            "option" if symbol.count("-") == 3 else "perpetual" if symbol.endswith("-PERPETUAL") else "future"
        )
    return "future" if symbol.rsplit("_", 1)[-1].isdigit() else "perpetual"


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _subscribed(data: str, *, binance: bool) -> list[str]:
    try:
        msg = decode_json(data)
    except msgspec.DecodeError:
        return []
    if not isinstance(msg, dict):
        return []
    params = msg.get("params")
    if binance and msg.get("method") == "SUBSCRIBE" and isinstance(params, list):
        return [p.split("@", 1)[0].upper() for p in params if isinstance(p, str) and "@depth" in p]
    if not binance and isinstance(msg.get("method"), str) and msg["method"].endswith("/subscribe"):
        channels = params.get("channels") if isinstance(params, dict) else None
        if isinstance(channels, list):
            return [
                c.split(".")[1]
                for c in channels
                if isinstance(c, str) and c.startswith("book.") and c.count(".") >= 2
            ]
    return []


class _Event(msgspec.Struct):
    """The two fields of a Binance event discovery reads; the rest is skipped, never decoded."""

    e: object = None
    s: object = None


class _Frame(_Event):
    """A Binance frame: a combined-stream envelope (`data` is the event) or the event itself."""

    data: _Event | msgspec.UnsetType = msgspec.UNSET


class _Params(msgspec.Struct):
    channel: object = ""
    data: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET  # decoded only if the channel is a book's


class _Notification(msgspec.Struct):
    params: _Params | msgspec.UnsetType = msgspec.UNSET


class _BookData(msgspec.Struct):
    instrument_name: object = None


_frame = msgspec.json.Decoder(_Frame).decode
_notification = msgspec.json.Decoder(_Notification).decode
_book_data = msgspec.json.Decoder(_BookData).decode


def _depth_frame_symbol(data: str, *, binance: bool) -> str | None:
    """The instrument of a depth frame, else None. Only the fields named are decoded (a frame's
    levels are skipped); a frame that is not JSON, or not an object where one is read, is None."""
    # Cheap text checks first: most frames of a capture are not depth frames.
    if binance and '"depthUpdate"' not in data:
        return None
    if not binance and '"book.' not in data:
        return None
    try:
        if binance:
            msg = _frame(data)
            event = msg if msg.data is msgspec.UNSET else msg.data
            return event.s if event.e == "depthUpdate" and isinstance(event.s, str) else None
        params = _notification(data).params
        if params is msgspec.UNSET:
            return None
        if not isinstance(params.channel, str) or not params.channel.startswith("book."):
            return None
        name = None if params.data is msgspec.UNSET else _instrument_name(params.data)
    except msgspec.DecodeError:  # not JSON, or not an object where one is read
        return None
    if isinstance(name, str):
        return name
    parts = params.channel.split(".")
    return parts[1] if len(parts) >= 3 else None


def _instrument_name(raw: msgspec.Raw) -> object:
    try:
        return _book_data(raw).instrument_name
    except msgspec.ValidationError:  # data that is not an object names no instrument
        return None


def _listing(venue: str, body: str) -> list:
    """The venue's instrument list, through exchanges.instrument_lists when it is there."""
    try:
        from exchanges import instrument_lists
    except ImportError:
        return []
    try:
        if VENUES[venue].family == "binance":
            return list(instrument_lists.parse_binance_exchange_info(venue, body))
        return list(instrument_lists.parse_deribit_instruments(body))
    except Exception:  # a malformed list only costs us the pair names, never the replay
        return []
