"""Binance frames as the venue spells them: spot, USD-M and COIN-M flavours of each event.

Numbers are decimal strings at the instrument's tick and step ("65000.10", "0.01230").
"""

from __future__ import annotations

import msgspec

from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.faults import FaultDice
from exchanges.simulator.walk import BookEvent, TradeTick

_encode = msgspec.json.Encoder().encode


def encode(obj) -> str:
    return _encode(obj).decode()


def is_futures(venue: str) -> bool:
    return venue in ("binance-usdm", "binance-coinm")


def coinm_pair(inst: SimInstrument) -> str:
    return f"{inst.base}{inst.quote}"


def levels(entries) -> list[list[str]]:
    return [[format(p, "f"), format(q, "f")] for p, q, _ in entries]


def depth_data(inst: SimInstrument, event: BookEvent, *, strings: bool = True) -> dict:
    """The depthUpdate object; `strings=False` leaves the levels' Decimals for msgspec to write,
    which it does as str() does: as the venue would where the instrument's `plain_str` holds."""
    data: dict = {"e": "depthUpdate", "E": event.ts_ms}
    if is_futures(inst.venue):
        data["T"] = event.ts_ms
    data["s"] = inst.symbol
    if inst.venue == "binance-coinm":
        data["ps"] = coinm_pair(inst)
    data["U"] = event.first
    data["u"] = event.last
    if is_futures(inst.venue):
        data["pu"] = event.prev
    if strings:
        data["b"] = levels(event.bids)
        data["a"] = levels(event.asks)
    else:
        data["b"] = [(p, q) for p, q, _ in event.bids]
        data["a"] = [(p, q) for p, q, _ in event.asks]
    return data


def depth(inst: SimInstrument, event: BookEvent) -> str:
    return encode(depth_data(inst, event, strings=not inst.plain_str))


def malformed_depth(inst: SimInstrument, event: BookEvent, dice: FaultDice) -> str:
    """A bad frame with the ids of `event`: each variant is something a venue has really sent
    or a network has really mangled, and none of them may change a careful client's book."""
    data = depth_data(inst, event)
    price = data["b"][0][0] if data["b"] else data["a"][0][0]
    kind = dice.choice(("truncated", "no_bids", "no_u", "text_qty", "negative_qty", "nan_qty", "not_object"))
    if kind == "truncated":
        text = encode(data)
        return text[: max(1, len(text) // 2)]
    if kind == "no_bids":
        del data["b"]
    elif kind == "no_u":
        del data["u"]
    elif kind == "text_qty":
        data["b"] = [[price, "lots"]]
    elif kind == "negative_qty":
        data["b"] = [[price, "-1.5"]]
    elif kind == "nan_qty":
        data["b"] = [[price, "NaN"]]
    elif kind == "not_object":
        return encode([data["e"], data["U"], data["u"]])
    return encode(data)


def unknown_event(inst: SimInstrument, ts_ms: int) -> str:
    return encode({"e": "someNewEvent", "E": ts_ms, "s": inst.symbol, "x": "a field nobody knows yet"})


def agg_trade(inst: SimInstrument, trade: TradeTick) -> str:
    data: dict = {
        "e": "aggTrade",
        "E": trade.ts_ms,
        "s": inst.symbol,
        "a": trade.trade_id,
        "p": format(trade.price, "f"),
        "q": format(trade.qty, "f"),
        "f": trade.trade_id,
        "l": trade.trade_id,
        "T": trade.ts_ms,
        "m": trade.buyer_is_maker,
    }
    if not is_futures(inst.venue):
        data["M"] = True
    return encode(data)


def trade(inst: SimInstrument, trade: TradeTick) -> str:
    data: dict = {"e": "trade", "E": trade.ts_ms}
    if is_futures(inst.venue):
        data["T"] = trade.ts_ms
    data.update(
        {
            "s": inst.symbol,
            "t": trade.trade_id,
            "p": format(trade.price, "f"),
            "q": format(trade.qty, "f"),
        }
    )
    if is_futures(inst.venue):
        data["X"] = "MARKET"
        data["m"] = trade.buyer_is_maker
    else:
        data["T"] = trade.ts_ms
        data["m"] = trade.buyer_is_maker
        data["M"] = True
    return encode(data)


def book_ticker(inst: SimInstrument, update_id: int, ts_ms: int, best) -> str:
    (bp, bq), (ap, aq) = best
    data: dict = {}
    if is_futures(inst.venue):
        # Futures bookTicker carries an event type and times; spot's has neither.
        data.update({"e": "bookTicker", "u": update_id, "E": ts_ms, "T": ts_ms, "s": inst.symbol})
        if inst.venue == "binance-coinm":
            data["ps"] = coinm_pair(inst)
    else:
        data.update({"u": update_id, "s": inst.symbol})
    data.update({"b": format(bp, "f"), "B": format(bq, "f"), "a": format(ap, "f"), "A": format(aq, "f")})
    return encode(data)


def server_shutdown(ts_ms: int) -> str:
    return encode({"e": "serverShutdown", "E": ts_ms})


def combined_head(stream: str) -> str:
    """What a combined-stream frame of `stream` starts with, up to its data: the wrapper goes
    around already encoded data, so an event's data is encoded once for every connection."""
    return f'{{"stream":{encode(stream)},"data":'
