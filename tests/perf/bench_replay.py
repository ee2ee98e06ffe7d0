"""Replay speed: `manage.py replay --speed max` on a generated capture of a million frames.

The capture is a Binance spot session as `record` writes it (an `open` line for the combined
stream, the REST snapshots, then depth frames of the churning stream in tests/perf/churn_stream.py),
generated once into bench/.work/. What is timed is the whole command as a user runs it: reading the
file, serving it over a real socket, and the real connector building every book.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.perf.churn_stream import generate

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / ".work"


def make_capture(frames: int, path: Path) -> Path:
    if path.exists() and path.stat().st_size > 0 and path.with_suffix(".frames").read_text() == str(frames):
        return path
    stream = generate(frames)
    names = [s["symbol"] for s in stream.symbols]
    streams = "/".join(f"{n.lower()}@depth@100ms" for n in names)
    url = f"wss://stream.binance.com:9443/stream?streams={streams}"
    path.parent.mkdir(parents=True, exist_ok=True)
    ts = 1_764_000_000.0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"t": "open", "ts": ts, "url": url}) + "\n")
        for name in names:
            snap = stream.snapshots[name]
            rest = f"https://api.binance.com/api/v3/depth?symbol={name}&limit=1000"
            fh.write(json.dumps({"t": "http", "ts": ts, "url": rest, "data": json.dumps(snap)}) + "\n")
        for i, raw in enumerate(stream.frames):
            fh.write(json.dumps({"t": "ws", "ts": ts + i / 10_000, "url": url, "data": raw}) + "\n")
    path.with_suffix(".frames").write_text(str(frames))
    return path


def replay_speed(frames: int) -> dict:
    capture = make_capture(frames, WORK / f"replay-{frames}.jsonl")
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

    r = replay_speed(50_000 if quick else 1_000_000)
    return [
        Result(
            "replay_frames_per_s",
            f"replay --speed max of a generated capture ({r['frames']:,} frames, 20 books)",
            r["per_second"],
            "frames/s",
            "≥ 50,000 frames/s",
            r["per_second"] >= 50_000,
        ),
    ]
