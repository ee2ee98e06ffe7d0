"""A dropped or unreachable connection is ordinary: one plain line when the state changes, never an
ERROR, and not one line per retry."""

import logging

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


def lines(caplog, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


async def test_a_dropped_connection_logs_no_error(venue, run_feeds, caplog):
    caplog.set_level(logging.INFO)
    venue.snapshot_fn = lambda symbol: snapshot(100 * venue.opened, bids=[("1", "1")])
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
    venue.abort(0)  # a reset, not a goodbye
    await wait_for(lambda: venue.opened == 2 and sup.books()["binance:BTCUSDT"].state == "live", what="back")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(lines(caplog, "connection")) >= 1


async def test_an_unreachable_venue_logs_one_warning_not_one_per_retry(run_feeds, unused_tcp_port, caplog):
    caplog.set_level(logging.INFO)

    class Nowhere:
        ws_url = f"ws://127.0.0.1:{unused_tcp_port}"
        rest_url = f"http://127.0.0.1:{unused_tcp_port}"

    sup = await run_feeds(Nowhere, "binance", ["BTCUSDT"])
    await wait_for(
        lambda: sup.stats()["venues"].get("binance", {}).get("reconnects", 0) >= 5, what="five retries"
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(lines(caplog, "cannot reach venue")) == 1
