"""Instruments are found from stream names, subscribe calls and the book frames themselves, with
no instrument list in the capture; the depth is the snapshot requests' limit."""

import json

from exchanges.replay.discovery import discover_specs
from tests.exchanges.replay.conftest import DERIBIT_WS, SPOT_REST, SPOT_WS, line

COINM_WS = "wss://dstream.binance.com/stream?streams=btcusd_perp@aggTrade"


def depth_update(symbol: str) -> str:
    return json.dumps(
        {"stream": "x", "data": {"e": "depthUpdate", "s": symbol, "U": 1, "u": 2, "b": [], "a": []}}
    )


def test_discovery_finds_instruments_without_lists():
    subscribe = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "public/subscribe",
            "params": {"channels": ["book.BTC-PERPETUAL.100ms"]},
        }
    )
    notification = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "subscription",
            "params": {"channel": "book.ETH-27DEC26.raw", "data": {"instrument_name": "ETH-27DEC26"}},
        }
    )
    lines = [
        line("open", SPOT_WS),  # btcusdt@depth@100ms
        line("http", f"{SPOT_REST}?symbol=BTCUSDT&limit=500", "{}"),
        line("open", COINM_WS),
        line("ws", COINM_WS, depth_update("BTCUSD_PERP")),
        line("open", DERIBIT_WS),
        line("sent", DERIBIT_WS, subscribe),
        line("ws", DERIBIT_WS, notification),
    ]
    specs = {s.key: s for s in discover_specs(lines)}
    assert sorted(specs) == [
        "binance-coinm:BTCUSD_PERP",
        "binance:BTCUSDT",
        "deribit:BTC-PERPETUAL",
        "deribit:ETH-27DEC26",
    ]
    assert specs["binance:BTCUSDT"].depth == 500
    assert specs["binance-coinm:BTCUSD_PERP"].depth == 1000
    assert all(s.pair == "" for s in specs.values())  # no instrument list: never guessed
