from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for


async def test_streams_beyond_the_per_connection_cap_open_more_connections(venue, run_feeds):
    symbols = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT"]
    venue.snapshot_fn = lambda symbol: snapshot(10, bids=[("1", "1")])
    sup = await run_feeds(
        venue, "binance", symbols, max_streams_per_connection=4
    )  # depth + trades: 2 a symbol
    await venue.wait_connections(3)
    assert sorted(len(ws._req.query["streams"].split("/")) for ws in venue.connections) == [2, 4, 4]
    for i, ws in enumerate(venue.connections):
        for stream in ws._req.query["streams"].split("/"):
            if stream.endswith("@depth@100ms"):
                await venue.send(depth(stream.split("@")[0].upper(), 11, 11, asks=[("2", "1")]), conn=i)
    await wait_for(lambda: len(sup.books()) == 5 and all(b.state == "live" for b in sup.books().values()))
