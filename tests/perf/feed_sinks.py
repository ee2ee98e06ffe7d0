"""The sinks the feed process attaches (exchanges/sinks.py, the same function FeedProcess calls),
for a benchmark loop: status board, consolidated books with the live publisher's listener and the
live metrics' trade listener, and the tick recorder with its writer thread writing to the database.
The publisher's timer (at most 10 reads a second per pair) does not run in a per-message loop;
`bench_consolidated` measures its reads.
"""

from __future__ import annotations

from exchanges.types import InstrumentSpec


def attach_feed_sinks(specs: list[InstrumentSpec]):
    """(sink, specs with database ids, close) for `specs`."""
    from books.services import ensure_instruments
    from exchanges.sinks import build_feed_sinks

    specs = ensure_instruments(specs=specs)
    built = build_feed_sinks(specs, layer=None, store=True)
    return built.sink, specs, built.close
