"""Feed counters for Prometheus, read from the supervisor at scrape time (nothing on the hot path)."""

from __future__ import annotations

import time

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

COUNTERS = {
    "messages": "Frames received",
    "malformed": "Frames refused as malformed (see the quarantine)",
    "unknown": "Frames of events or channels the connector does not know",
    "gaps": "Sequence gaps found",
    "resyncs": "Books thrown away and rebuilt",
    "reconnects": "Connections opened again (after a drop or a planned handover)",
    "trades": "Trades received",
    "snapshots_fetched": "Depth snapshots fetched",
    "rest_errors": "REST calls that failed or were refused",
}


class FeedCollector(Collector):
    def __init__(self, supervisor) -> None:
        self.supervisor = supervisor

    def collect(self):
        stats = self.supervisor.stats()["venues"]
        for name, doc in COUNTERS.items():
            family = CounterMetricFamily(f"marketagg_feed_{name}", doc, labels=["venue"])
            for venue, counters in stats.items():
                family.add_metric([venue], counters.get(name, 0))
            yield family
        bad = CounterMetricFamily(
            "marketagg_feed_bad_input", "Bad input by venue and kind", labels=["venue", "kind"]
        )
        for (venue, kind), count in self.supervisor.quarantine.counts.items():
            bad.add_metric([venue, kind], count)
        yield bad
        state = GaugeMetricFamily(
            "marketagg_book_live", "1 when the book is live", labels=["venue", "symbol"]
        )
        age = GaugeMetricFamily(
            "marketagg_book_age_seconds", "Seconds since the book last changed", labels=["venue", "symbol"]
        )
        levels = GaugeMetricFamily("marketagg_book_levels", "Levels held", labels=["venue", "symbol", "side"])
        now = time.monotonic()
        for connector in self.supervisor.connectors.values():
            for feed in connector.feeds():
                labels = [feed.spec.venue, feed.spec.symbol]
                state.add_metric(labels, 1.0 if feed.live else 0.0)
                age.add_metric(labels, now - feed.last_change)
                levels.add_metric([*labels, "bid"], len(feed.book.bids))
                levels.add_metric([*labels, "ask"], len(feed.book.asks))
        yield state
        yield age
        yield levels


def register(supervisor, registry=REGISTRY) -> FeedCollector:
    collector = FeedCollector(supervisor)
    registry.register(collector)
    return collector


def unregister(collector: FeedCollector, registry=REGISTRY) -> None:
    registry.unregister(collector)
