"""Deribit JSON-RPC 2.0 messages: answers, errors, notifications, book and trade data.

Prices and amounts are JSON numbers, written from the exact Decimal (msgspec's number format),
so a client that parses them exactly gets the truth's very digits.
"""

from __future__ import annotations

import time
import zlib

import msgspec

from exchanges.simulator.catalog import SimInstrument
from exchanges.simulator.faults import FaultDice
from exchanges.simulator.walk import BookEvent, BookWalk, TradeTick

_encode = msgspec.json.Encoder(decimal_format="number").encode
VERSION = "1.2.26"


def encode(obj) -> str:
    return _encode(obj).decode()


def answer(ident, result, *, started_us: int | None = None) -> str:
    us_out = int(time.time() * 1_000_000)
    us_in = started_us or us_out
    return encode(
        {
            "jsonrpc": "2.0",
            "id": ident,
            "result": result,
            "usIn": us_in,
            "usOut": us_out,
            "usDiff": us_out - us_in,
            "testnet": False,
        }
    )


def error(ident, code: int, message: str, data: dict | None = None) -> str:
    err: dict = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return encode({"jsonrpc": "2.0", "id": ident, "error": err})


def notification(channel: str, data) -> dict:
    return {"jsonrpc": "2.0", "method": "subscription", "params": {"channel": channel, "data": data}}


def test_request() -> str:
    return encode({"jsonrpc": "2.0", "method": "heartbeat", "params": {"type": "test_request"}})


def book_snapshot(channel: str, walk: BookWalk, ts_ms: int) -> str:
    bids, asks = walk.truth.top(len(walk.truth.bids) + len(walk.truth.asks))
    data = {
        "type": "snapshot",
        "timestamp": ts_ms,
        "instrument_name": walk.instrument.symbol,
        "change_id": walk.truth.sequence,
        "bids": [["new", p, q] for p, q in bids],
        "asks": [["new", p, q] for p, q in asks],
    }
    return encode(notification(channel, data))


def change_data(inst: SimInstrument, event: BookEvent) -> dict:
    # Deribit lists bids best first and asks best first, like its snapshots.
    return {
        "type": "change",
        "timestamp": event.ts_ms,
        "instrument_name": inst.symbol,
        "prev_change_id": event.prev,
        "change_id": event.last,
        "bids": [[a, p, q] for p, q, a in reversed(event.bids)],
        "asks": [[a, p, q] for p, q, a in event.asks],
    }


def book_change(channel: str, inst: SimInstrument, event: BookEvent) -> str:
    return encode(notification(channel, change_data(inst, event)))


def malformed_change(channel: str, inst: SimInstrument, event: BookEvent, dice: FaultDice) -> str:
    """A bad change with the ids of `event`; none of these may move a careful client's book."""
    data = change_data(inst, event)
    side = "bids" if data["bids"] else "asks"
    price = data[side][0][1]
    kind = dice.choice(
        ("truncated", "no_change_id", "text_amount", "negative_amount", "nan_amount", "bad_action")
    )
    if kind == "truncated":
        text = encode(notification(channel, data))
        return text[: max(1, len(text) // 2)]
    if kind == "no_change_id":
        del data["change_id"]
    elif kind == "text_amount":
        data[side] = [["change", price, "lots"]]
    elif kind == "negative_amount":
        data[side] = [["change", price, -10]]
    elif kind == "nan_amount":
        # Not JSON at all, but what a careless encoder writes for a float NaN.
        text = encode(notification(channel, {**data, side: [["change", price, 0]]}))
        return text.replace(f'["change",{encode(price)},0]', f'["change",{encode(price)},NaN]', 1)
    elif kind == "bad_action":
        data[side] = [["replace", price, 10]]
    return encode(notification(channel, data))


def unknown_notification(inst: SimInstrument, ts_ms: int) -> str:
    return encode(
        notification(
            f"simulated.unknown.{inst.symbol}", {"timestamp": ts_ms, "note": "a channel nobody asked for"}
        )
    )


def trades(channel: str, inst: SimInstrument, trade: TradeTick, mark) -> str:
    data = [
        {
            "trade_seq": trade.trade_id,
            "trade_id": str(trade.trade_id),
            "timestamp": trade.ts_ms,
            "tick_direction": 0,
            "price": trade.price,
            "mark_price": mark,
            "instrument_name": inst.symbol,
            "index_price": mark,
            "direction": "sell" if trade.buyer_is_maker else "buy",
            "amount": trade.qty,
        }
    ]
    return encode(notification(channel, data))


def order_book(walk: BookWalk, depth: int, ts_ms: int) -> dict:
    book = walk.truth
    bids, asks = book.top(depth)
    (bp, bq), (ap, aq) = walk.best()
    mark = (bp + ap) / 2
    return {
        "timestamp": ts_ms,
        "state": "open",
        "instrument_name": walk.instrument.symbol,
        "change_id": book.sequence,
        "bids": [[p, q] for p, q in bids],
        "asks": [[p, q] for p, q in asks],
        "best_bid_price": bp,
        "best_bid_amount": bq,
        "best_ask_price": ap,
        "best_ask_amount": aq,
        "mark_price": mark,
        "index_price": mark,
        "last_price": bp,
        "settlement_price": mark,
        "open_interest": 1000000,
        "funding_8h": 0.0001,
        "current_funding": 0,
        "stats": {"volume": 1000, "price_change": 0.1, "low": bp, "high": ap},
    }


def instrument(inst: SimInstrument) -> dict:
    return {
        "instrument_name": inst.symbol,
        "instrument_id": zlib.crc32(inst.symbol.encode()) % 1_000_000,
        "kind": "future",
        "base_currency": inst.base,
        "quote_currency": inst.quote,
        "counter_currency": inst.quote,
        "settlement_currency": inst.base,
        "settlement_period": "perpetual",
        "instrument_type": "reversed",
        "future_type": "reversed",
        "contract_size": inst.contract_size,
        "tick_size": inst.tick,
        "min_trade_amount": inst.step,
        "is_active": True,
        "rfq": False,
        "creation_timestamp": 1534242287000,
        "expiration_timestamp": 32503708800000,
        "max_leverage": 50,
        "maker_commission": 0.0,
        "taker_commission": 0.0005,
        "price_index": f"{inst.base.lower()}_usd",
        "block_trade_commission": 0.00025,
        "block_trade_tick_size": inst.tick,
        "block_trade_min_trade_amount": 200000,
    }
