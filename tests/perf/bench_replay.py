"""Replay speed: `manage.py replay --speed max` on a generated capture of a million frames.

The capture is a Binance spot session as `record` writes it (an `open` line for the combined
stream, the REST snapshots, then depth frames; no instrument list, as `record` does not fetch one,
so no consolidated book is built). The frames are the churning stream of tests/perf/churn_stream.py
(20 symbols, 1,000-level books, 20-level diffs within 400 ticks of the touch, a third of them
deleting a level): the same model and seed, written straight to the file with integer arithmetic
(churn_stream formats Decimals and holds every frame in memory, too slow for a million), and
checked against churn_stream's own frames before use. Generated once into bench/.work/.

What is timed is the whole command as a user runs it: reading the file, serving it over a real
socket, and the real connector building every book.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from tests.perf import churn_stream

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / ".work"
FULL_FRAMES = 1_000_000
QUICK_FRAMES = 50_000
START_TS = 1_764_000_000.0
CHECKED = 2_000  # frames compared with churn_stream.generate before a capture is written


def _ticks(ticks: int) -> str:
    return f"{ticks // 100}.{ticks % 100:02d}"  # a price of tick 0.01, as churn_stream formats it


def _lots(lots: int) -> str:
    return f"{lots // 1000}.{lots % 1000:03d}"  # a quantity in thousandths


def churn_frames(messages: int, *, seed: int = 11):
    """(symbols, snapshots, iterator of frames): churn_stream.generate's stream, one frame at a time."""
    rng = random.Random(seed)
    names, snapshots, mids, last_ids = [], {}, [], []
    for i in range(churn_stream.SYMBOLS):
        symbol = f"C{i:02d}USDT"
        mid = rng.randint(100_000, 6_000_000)
        bids, asks = {}, {}
        t = mid - 1
        while len(bids) < churn_stream.LEVELS:
            bids[t] = rng.randint(1, 50_000)
            t -= rng.randint(1, 3)
        t = mid + 1
        while len(asks) < churn_stream.LEVELS:
            asks[t] = rng.randint(1, 50_000)
            t += rng.randint(1, 3)
        names.append(symbol)
        snapshots[symbol] = {
            "lastUpdateId": 1000,
            "bids": [[_ticks(p), _lots(q)] for p, q in sorted(bids.items(), reverse=True)],
            "asks": [[_ticks(p), _lots(q)] for p, q in sorted(asks.items())],
        }
        mids.append(mid)
        last_ids.append(1000)

    def frames():
        # randint(a, b) is a + _randbelow(b - a + 1): the same numbers without randint's checks
        # (check_against_churn_stream would see any difference).
        below, uniform = rng._randbelow, rng.random
        third, spread, per_side = 1 / 3, churn_stream.SPREAD_TICKS, churn_stream.LEVELS_PER_SIDE
        for n in range(messages):
            k = n % churn_stream.SYMBOLS
            symbol, mid = names[k], mids[k]
            b, a = [], []
            for _ in range(per_side):
                for side, sign in ((b, -1), (a, 1)):
                    price = _ticks(mid + sign * (1 + below(spread)))
                    qty = "0.000" if uniform() < third else _lots(1 + below(50_000))
                    side.append(f'["{price}","{qty}"]')
            first = last_ids[k] + 1
            last_ids[k] = last = first + below(4)
            yield (
                f'{{"stream":"{symbol.lower()}@depth@100ms","data":{{"e":"depthUpdate",'
                f'"E":{1_764_000_000_000 + n},"s":"{symbol}","U":{first},"u":{last},'
                f'"b":[{",".join(b)}],"a":[{",".join(a)}]}}}}'
            )

    return names, snapshots, frames()


def check_against_churn_stream() -> None:
    """The fast writer's stream is churn_stream's, frame for frame (a changed model fails here)."""
    expected = churn_stream.generate(CHECKED)
    names, snapshots, frames = churn_frames(CHECKED)
    if names != [s["symbol"] for s in expected.symbols] or snapshots != expected.snapshots:
        raise RuntimeError("bench_replay's books differ from tests/perf/churn_stream.py's")
    for n, (got, want) in enumerate(zip(frames, expected.frames, strict=True)):
        if got != want:
            raise RuntimeError(f"bench_replay's frame {n} differs from tests/perf/churn_stream.py's")


def make_capture(frames: int, path: Path) -> Path:
    marker = path.with_suffix(".frames")
    if path.exists() and marker.exists() and marker.read_text() == str(frames):
        return path
    check_against_churn_stream()
    names, snapshots, stream = churn_frames(frames)
    streams = "/".join(f"{n.lower()}@depth@100ms" for n in names)
    url = f"wss://stream.binance.com:9443/stream?streams={streams}"
    path.parent.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"t": "open", "ts": START_TS, "url": url}) + "\n")
        for name in names:
            rest = f"https://api.binance.com/api/v3/depth?symbol={name}&limit=1000"
            body = json.dumps(snapshots[name])
            fh.write(json.dumps({"t": "http", "ts": START_TS, "url": rest, "data": body}) + "\n")
        head = '{"t":"ws","ts":'
        tail = f',"url":"{url}","data":"'
        for i, raw in enumerate(stream):
            # A frame holds no backslash or control character: escaping its quotes is all JSON asks.
            fh.write(f'{head}{START_TS + i / 10_000!r}{tail}{raw.replace(chr(34), chr(92) + chr(34))}"}}\n')
    marker.write_text(str(frames))
    return path


def capture_path(frames: int) -> Path:
    return WORK / f"replay-{frames}.jsonl"


def replay_speed(frames: int) -> dict:
    capture = make_capture(frames, capture_path(frames))
    books = WORK / "replay-books.json"
    env = {**os.environ, "MARKETAGG_STORE_TICKS": "false"}
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "replay",
            str(capture),
            "--speed",
            "max",
            "--books-out",
            str(books),
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"replay failed: {out.stderr[-2000:]}")
    built = json.loads(books.read_text())
    return {"frames": frames, "seconds": elapsed, "per_second": frames / elapsed, "books": len(built)}


def results(*, quick: bool = False) -> list:
    from tests.perf.results import Result

    r = replay_speed(QUICK_FRAMES if quick else FULL_FRAMES)
    return [
        Result(
            "replay_frames_per_s",
            f"replay --speed max of a generated capture ({r['frames']:,} frames, {r['books']} books)",
            r["per_second"],
            "frames/s",
            "≥ 50,000 frames/s",
            r["per_second"] >= 50_000,
        ),
    ]


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    print(replay_speed(int(sys.argv[1]) if len(sys.argv) > 1 else FULL_FRAMES))
