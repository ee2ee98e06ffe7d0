"""The sinks the feed process attaches (exchanges/feedprocess.py), built for a benchmark loop.

Tick recorder with its writer thread writing to the database, the consolidated books (every venue
change lands in its pair's book), and the status board. The live publisher and live metrics run on
their own timer (at most 10 times a second per pair), not per message, so they are left out of a
per-message figure; `bench_consolidated` measures them.
"""

from __future__ import annotations

from exchanges.types import FanoutSink, InstrumentSpec


def attach_feed_sinks(specs: list[InstrumentSpec]):
    """(sink, specs with database ids, close) for `specs`."""
    from books.consolidated import ConsolidatedBooks
    from books.recorder import build_recorder
    from books.services import ensure_instruments
    from exchanges.status import StatusBoard

    specs = ensure_instruments(specs=specs)
    recorder = build_recorder()
    consolidated = ConsolidatedBooks(specs)
    board = StatusBoard(layer=None)

    def close() -> None:
        recorder.close()

    return FanoutSink(board, consolidated, recorder), specs, close
