"""A realistic Binance depth stream for the feed benchmarks, shared by marketagg and cryptofeed.

20 symbols, each a 1,000-level book on a sparse price grid (levels are about two ticks apart, so
updates keep creating and removing levels), and 20-level diffs (10 bids, 10 asks) landing anywhere
within 400 ticks of the touch: a third of them delete a level, the rest set a new quantity at a
price that may or may not hold one. Frames are combined-stream JSON text, as the socket gives them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SYMBOLS = 20
LEVELS = 1000
LEVELS_PER_SIDE = 10
SPREAD_TICKS = 400


@dataclass
class Stream:
    symbols: list[dict]  # {"symbol", "base", "quote", "tick"}
    snapshots: dict[str, dict]  # symbol -> {"lastUpdateId", "bids", "asks"} (strings, as the REST answer)
    frames: list[str]

    def dump(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"symbols": self.symbols, "snapshots": self.snapshots, "frames": self.frames})
        )


def _fmt(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def generate(messages: int, *, seed: int = 11) -> Stream:
    rng = random.Random(seed)
    symbols, snapshots, state = [], {}, {}
    for i in range(SYMBOLS):
        base = f"C{i:02d}"
        symbol = f"{base}USDT"
        tick = Decimal("0.01")
        mid_ticks = rng.randint(100_000, 6_000_000)  # 1,000.00 .. 60,000.00
        bids, asks = {}, {}
        t = mid_ticks - 1
        while len(bids) < LEVELS:
            bids[t] = rng.randint(1, 50_000)
            t -= rng.randint(1, 3)
        t = mid_ticks + 1
        while len(asks) < LEVELS:
            asks[t] = rng.randint(1, 50_000)
            t += rng.randint(1, 3)
        symbols.append({"symbol": symbol, "base": base, "quote": "USDT", "tick": str(tick)})
        snapshots[symbol] = {
            "lastUpdateId": 1000,
            "bids": [
                [_fmt(tick * p, 2), _fmt(Decimal(q) / 1000, 3)] for p, q in sorted(bids.items(), reverse=True)
            ],
            "asks": [[_fmt(tick * p, 2), _fmt(Decimal(q) / 1000, 3)] for p, q in sorted(asks.items())],
        }
        state[symbol] = {"mid": mid_ticks, "u": 1000, "tick": tick}
    frames = []
    names = [s["symbol"] for s in symbols]
    for n in range(messages):
        symbol = names[n % SYMBOLS]
        st = state[symbol]
        tick = st["tick"]
        b, a = [], []
        for _ in range(LEVELS_PER_SIDE):
            for side, sign in ((b, -1), (a, 1)):
                price = st["mid"] + sign * rng.randint(1, SPREAD_TICKS)
                qty = "0.000" if rng.random() < 1 / 3 else _fmt(Decimal(rng.randint(1, 50_000)) / 1000, 3)
                side.append([_fmt(tick * price, 2), qty])
        first = st["u"] + 1
        st["u"] = last = first + rng.randint(0, 3)
        data = {
            "e": "depthUpdate",
            "E": 1_764_000_000_000 + n,
            "s": symbol,
            "U": first,
            "u": last,
            "b": b,
            "a": a,
        }
        frames.append(
            json.dumps({"stream": f"{symbol.lower()}@depth@100ms", "data": data}, separators=(",", ":"))
        )
    return Stream(symbols=symbols, snapshots=snapshots, frames=frames)
