"""The HTTP face of the in-process API: /truth, /control/faults, /control/stats."""

from books.numbers import plain


async def test_http_control_endpoints(start_sim, http):
    sim = await start_sim(seed=46, rate=0)
    sim.advance(5)
    base = f"http://127.0.0.1:{sim.port}"
    async with http.get(f"{base}/truth/binance-coinm/BTCUSD_PERP?depth=3") as r:
        truth = await r.json()
    book = sim.true_book("binance-coinm", "BTCUSD_PERP")
    bids, asks = book.top(3)
    assert truth == {
        "sequence": book.sequence,
        "bids": [[plain(p), plain(q)] for p, q in bids],
        "asks": [[plain(p), plain(q)] for p, q in asks],
    }
    async with http.get(f"{base}/truth/binance/NOPE") as r:
        assert r.status == 404

    async with http.post(f"{base}/control/faults", data="gap=0.5,rest429=0.1") as r:
        assert r.status == 200
    assert (sim.faults.gap, sim.faults.rest429, sim.faults.disconnect) == (0.5, 0.1, 0.0)
    async with http.post(f"{base}/control/faults", data="nonsense=1") as r:
        assert r.status == 400
    assert sim.faults.gap == 0.5

    async with http.get(f"{base}/control/stats") as r:
        stats = await r.json()
    assert {"faults", "messages_sent", "connections_opened", "connections_open", "events"} <= set(stats)
    assert stats["events"] == 5 * len(sim.instruments())
