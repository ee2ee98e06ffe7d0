from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_a_book_without_changes_past_its_limit_goes_stale_and_is_asked_for_again(
    venue, run_feeds, sink
):
    venue.snapshot_fn = lambda symbol: snapshot(100, bids=[("1", "1")])
    sup = await run_feeds(
        venue, "binance", ["BTCUSDT"], sink=sink, watchdog=True, stale_after=0.5, watchdog_interval=0.05
    )
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, asks=[("2", "1")]))
    await wait_for(lambda: "stale" in [e.state for e in sink.states], what="stale")
    await wait_for(lambda: [f.get("method") for f in venue.received][:2] == ["UNSUBSCRIBE", "SUBSCRIBE"])
    assert venue.received[1]["params"] == ["btcusdt@depth@100ms"]
    assert venue.opened == 1  # the connection itself stays
    await venue.send(depth("BTCUSDT", 101, 102, asks=[("2", "2")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].state == "live")
