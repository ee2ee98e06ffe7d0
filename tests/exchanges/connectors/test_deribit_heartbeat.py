from tests.exchanges.connectors.scripted_venue import wait_for


async def test_heartbeats_are_set_up_and_test_requests_answered(venue, run_feeds):
    await run_feeds(venue, "deribit", ["BTC-PERPETUAL"], heartbeat_interval=10)
    await venue.wait_connections(1)
    await wait_for(lambda: any(f.get("method") == "public/set_heartbeat" for f in venue.received))
    setup = next(f for f in venue.received if f.get("method") == "public/set_heartbeat")
    assert setup["params"] == {"interval": 10}
    await venue.send({"jsonrpc": "2.0", "method": "heartbeat", "params": {"type": "test_request"}})
    await wait_for(lambda: any(f.get("method") == "public/test" for f in venue.received), what="public/test")
    # a plain heartbeat needs no answer
    await venue.send({"jsonrpc": "2.0", "method": "heartbeat", "params": {"type": "heartbeat"}})
    await venue.send({"jsonrpc": "2.0", "method": "heartbeat", "params": {"type": "test_request"}})
    await wait_for(lambda: sum(f.get("method") == "public/test" for f in venue.received) == 2)
