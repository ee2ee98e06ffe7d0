"""The sinks a feed process attaches to its connectors, assembled in one place.

`FeedProcess` (runfeeds, serve) and the feed benchmark (tests/perf/bench_churn.py) both build them
here, so the benchmark measures exactly what a user runs: the status board, the consolidated books
with their live publisher and live metrics, and (when storing) the tick recorder. Call it off the
event loop (it reads settings and the database); start `publisher.run()` and `board.run()` on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from exchanges.status import StatusBoard
from exchanges.types import FanoutSink, InstrumentSpec


@dataclass
class FeedSinks:
    sink: FanoutSink  # what the connectors are given
    board: StatusBoard
    consolidated: object  # books.consolidated.ConsolidatedBooks
    publisher: object  # books.live.LivePublisher
    recorder: object | None  # books.recorder.TickRecorder, when storing ticks

    def close(self) -> None:
        """Flush and stop the recorder's writer, then the live metrics' bar writer (blocking)."""
        if self.recorder is not None:
            self.recorder.close()
        metrics_close = getattr(getattr(self.publisher, "metrics", None), "close", None)
        if metrics_close is not None:
            metrics_close()


def build_feed_sinks(specs: list[InstrumentSpec], *, layer=None, store: bool = True) -> FeedSinks:
    from books.consolidated import ConsolidatedBooks
    from books.live import LivePublisher, load_live_metrics

    board = StatusBoard(layer=layer)
    consolidated = ConsolidatedBooks(specs)
    live_metrics = load_live_metrics(store_bars=None if store else False)
    if live_metrics is not None:
        consolidated.add_trade_listener(live_metrics.trade)
    publisher = LivePublisher(consolidated, layer=layer, metrics=live_metrics)
    recorder = None
    sinks = [board, consolidated]
    if store and settings.MARKETAGG["STORE_TICKS"]:
        from books.recorder import build_recorder

        recorder = build_recorder()
        sinks.append(recorder)
    return FeedSinks(
        sink=FanoutSink(*sinks),
        board=board,
        consolidated=consolidated,
        publisher=publisher,
        recorder=recorder,
    )
