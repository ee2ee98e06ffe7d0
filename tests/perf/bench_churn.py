"""Feed throughput as a user gets it, side by side with cryptofeed on the identical frames.

The stream is tests/perf/churn_stream.py (20 symbols, 1,000-level books, 20-level diffs with levels
appearing and vanishing). marketagg runs it through the real `BinanceConnector.handle_frame` with
the sinks the feed process attaches (tick recorder writing to the database, consolidated books,
live publisher with metrics, status board); cryptofeed 2.4.1 runs it through its own Binance
handler in a virtual environment of its own under bench/ (installed here on first use). The three
(every sink, no sink, cryptofeed) are taken in turn, three rounds, and the best of each is kept.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from tests.perf.churn_stream import Stream, generate

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
CRYPTOFEED_VENV = BENCH / ".venv-cryptofeed"
CRYPTOFEED_PIN = "cryptofeed==2.4.1"


def _outside_env() -> dict:
    """This environment without Django's and Python's variables: with the project's PYTHONPATH,
    the cryptofeed environment's pip would judge the project's own requirements too."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}


def cryptofeed_python() -> Path:
    """bench/.venv-cryptofeed/bin/python with cryptofeed 2.4.1, created on first use."""
    python = CRYPTOFEED_VENV / "bin" / "python"
    stamp = CRYPTOFEED_VENV / ".installed"
    if not stamp.exists():
        env = _outside_env()
        subprocess.run([sys.executable, "-m", "venv", str(CRYPTOFEED_VENV)], check=True, env=env)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", CRYPTOFEED_PIN], check=True, env=env)
        stamp.write_text(CRYPTOFEED_PIN)
    return python


def _cryptofeed_run(path: Path) -> dict:
    out = subprocess.run(
        [str(cryptofeed_python()), str(BENCH / "cryptofeed_binance.py"), str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=_outside_env(),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _specs(stream: Stream):
    from exchanges.types import InstrumentSpec

    return [
        InstrumentSpec(
            venue="binance",
            symbol=s["symbol"],
            pair=f"{s['base']}-{s['quote']}",
            kind="spot",
            tick_size=Decimal(s["tick"]),
            depth=1000,
        )
        for s in stream.symbols
    ]


def live_connector(stream: Stream, specs, sink):
    """(connector, session): a BinanceConnector for the stream's symbols with `sink`, its books
    loaded from the stream's snapshots and live, ready for `handle_frame(session, frame)`."""
    from exchanges.connectors import FeedOptions
    from exchanges.connectors.base import Session
    from exchanges.connectors.binance import BinanceConnector
    from exchanges.quarantine import Quarantine
    from exchanges.ratelimit import HostLimits
    from exchanges.types import Endpoints

    connector = BinanceConnector(
        venue="binance",
        specs=specs,
        endpoints=Endpoints.default("binance"),
        sink=sink,
        options=FeedOptions(),
        http=None,
        limits=HostLimits(),
        quarantine=Quarantine(),
    )
    session = Session(connector, connector.groups[0], muted=False)
    for spec in specs:
        snap = stream.snapshots[spec.symbol]
        feed = session.feeds[spec.symbol]
        bids = [(Decimal(p), Decimal(q)) for p, q in snap["bids"]]
        asks = [(Decimal(p), Decimal(q)) for p, q in snap["asks"]]
        feed.book.load_snapshot(bids=bids, asks=asks, sequence=snap["lastUpdateId"], limit=1000)
        feed.extra["first"] = True
        connector.set_state(feed, _live())
        connector.book_changed(feed, ts=time.time(), bids=bids, asks=asks, snapshot=True)
    return connector, session


def _one_pass(stream: Stream, *, sinks: str) -> dict:
    from exchanges.types import NullSink
    from marketagg.tuning import tune_feed_process
    from tests.perf.feed_sinks import attach_feed_sinks

    specs = _specs(stream)
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    sink, specs, close = attach_feed_sinks(specs) if sinks == "all" else (NullSink(), specs, lambda: None)
    tune_feed_process()  # the feed process's interpreter settings, with or without sinks
    connector, session = live_connector(stream, specs, sink)
    handle = connector.handle_frame
    frames = stream.frames
    started = time.perf_counter()
    for raw in frames:
        handle(session, raw)
    close()  # the run ends when the last row is in the database: a writer left behind is not speed
    elapsed = time.perf_counter() - started
    gc.unfreeze()  # the next benchmark starts from the interpreter's defaults again
    gc.set_threshold(*thresholds)
    sys.setswitchinterval(interval)
    assert connector.stats.gaps == 0 and connector.stats.malformed == 0, connector.stats.as_dict()
    n = len(frames)
    return {"messages": n, "seconds": elapsed, "per_second": n / elapsed, "us_per_message": elapsed / n * 1e6}


def _live():
    from books.orderbook import BookState

    return BookState.LIVE


def side_by_side(messages: int = 100_000, *, rounds: int = 3) -> dict:
    """marketagg with every sink, with none, and cryptofeed, taken in turn `rounds` times, best of
    each: a machine that slows for a while slows all three alike, not only whichever ran then."""
    stream = generate(messages)
    path = BENCH / ".work" / "churn-frames.json"
    stream.dump(path)
    cryptofeed_python()  # installed before anything is timed
    best: dict[str, dict] = {}
    for _ in range(rounds):
        for name, run in (
            ("ours", lambda: _one_pass(stream, sinks="all")),
            ("bare", lambda: _one_pass(stream, sinks="none")),
            ("theirs", lambda: _cryptofeed_run(path)),
        ):
            result = run()
            if name not in best or result["per_second"] > best[name]["per_second"]:
                best[name] = result
    ours, bare, theirs = best["ours"], best["bare"], best["theirs"]
    return {
        "feed_msgs_per_s": ours["per_second"],
        "feed_us_per_msg": ours["us_per_message"],
        "feed_null_sink_msgs_per_s": bare["per_second"],
        "cryptofeed_msgs_per_s": theirs["per_second"],
        "cryptofeed_ratio": ours["per_second"] / theirs["per_second"],
        "messages": messages,
    }
