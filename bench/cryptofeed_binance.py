"""cryptofeed 2.4.1's own Binance handler, fed the frames `make bench` generated.

Runs inside bench/.venv-cryptofeed (cryptofeed 3 needs Python 3.13; 2.4.1 is the last release
for 3.11), never inside the project's environment, and imports nothing of the project: what it
measures is cryptofeed alone. Usage: python bench/cryptofeed_binance.py FRAMES.json -> one JSON
line {"messages", "seconds", "per_second"} on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from decimal import Decimal

from cryptofeed.defines import L2_BOOK
from cryptofeed.exchanges import Binance
from cryptofeed.symbols import Symbols
from cryptofeed.types import OrderBook


def exchange_info(symbols: list[dict]) -> dict:
    """The part of Binance's exchangeInfo that cryptofeed reads to map symbols (no network)."""
    return {
        "symbols": [
            {
                "symbol": s["symbol"],
                "baseAsset": s["base"],
                "quoteAsset": s["quote"],
                "status": "TRADING",
                "filters": [{"filterType": "PRICE_FILTER", "tickSize": s["tick"]}],
            }
            for s in symbols
        ]
    }


async def run(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    syms, info = Binance._parse_symbol_data(exchange_info(data["symbols"]))
    Symbols.set(Binance.id, syms, info)

    async def on_book(book, receipt_timestamp):  # what a user's callback costs at least
        return None

    feed = Binance(symbols=list(syms), channels=[L2_BOOK], callbacks={L2_BOOK: on_book})
    for s in data["symbols"]:
        std = feed.exchange_symbol_to_std_symbol(s["symbol"])
        snap = data["snapshots"][s["symbol"]]
        feed.last_update_id[std] = snap["lastUpdateId"]
        feed._l2_book[std] = OrderBook(
            feed.id,
            std,
            max_depth=feed.max_depth,
            bids={Decimal(p): Decimal(q) for p, q in snap["bids"]},
            asks={Decimal(p): Decimal(q) for p, q in snap["asks"]},
        )
    frames = data["frames"]
    handler = feed.message_handler
    started = time.perf_counter()
    for raw in frames:
        await handler(raw, None, 0.0)
    elapsed = time.perf_counter() - started
    return {"messages": len(frames), "seconds": elapsed, "per_second": len(frames) / elapsed}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(sys.argv[1]))))
