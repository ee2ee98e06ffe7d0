"""Live-store payloads in the agreed shape (books/live.py), written by hand for the web tests."""

from __future__ import annotations

MEMBERS = [
    ("binance:BTCUSDT", "binance", "BTCUSDT", "USDT", "spot"),
    ("binance-usdm:BTCUSDT", "binance-usdm", "BTCUSDT", "USDT", "perpetual"),
    ("binance-coinm:BTCUSD_PERP", "binance-coinm", "BTCUSD_PERP", "USD", "perpetual"),
    ("deribit:BTC-PERPETUAL", "deribit", "BTC-PERPETUAL", "USD", "perpetual"),
]


def payload(
    *,
    pair: str = "BTC-USDT",
    version: int = 1,
    ts: float = 1795000000.0,
    bids: list | None = None,
    asks: list | None = None,
    states: dict[str, str] | None = None,
    venues: dict | None = None,
    metrics: dict | None = None,
    crossed: dict | None = None,
) -> dict:
    states = states or {}
    return {
        "pair": pair,
        "ts": ts,
        "published_at": ts,
        "version": version,
        "consolidated": {"bids": bids or [], "asks": asks or []},
        "members": [
            {
                "key": key,
                "venue": venue,
                "symbol": symbol,
                "quote": quote,
                "kind": kind,
                "state": states.get(key, "live"),
                "reason": "" if states.get(key, "live") == "live" else "no change for 30s",
                "included": states.get(key, "live") == "live",
            }
            for key, venue, symbol, quote, kind in MEMBERS
        ],
        "quotes": ["USD", "USDT"],
        "crossed": crossed,
        "venues": venues or {},
        "metrics": metrics or {},
    }


# A small consolidated book: two venues at 100.5, one at 100.1 (bids); asks at 101, 101.25, 102.
BIDS = [
    ["100.5", "3", {"binance:BTCUSDT": "1", "binance-usdm:BTCUSDT": "2"}],
    ["100.1", "0.5", {"binance:BTCUSDT": "0.5"}],
    ["99.9", "4", {"deribit:BTC-PERPETUAL": "4"}],
]
ASKS = [
    ["101", "1", {"binance:BTCUSDT": "1"}],
    ["101.25", "2", {"binance-usdm:BTCUSDT": "2"}],
    ["102", "5", {"binance:BTCUSDT": "2", "deribit:BTC-PERPETUAL": "3"}],
]
VENUES = {
    "binance:BTCUSDT": {"bids": [["100.5", "1"], ["100.1", "0.5"]], "asks": [["101", "1"], ["102", "2"]]},
    "deribit:BTC-PERPETUAL": {"bids": [["99.9", "399.6"]], "asks": [["102", "306"]]},
}


def sample(**overrides) -> dict:
    return payload(**{"bids": BIDS, "asks": ASKS, "venues": VENUES, **overrides})
