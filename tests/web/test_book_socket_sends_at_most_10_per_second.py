"""/ws/book/<pair>/ relays the pair's group coalesced: never more than 10 messages a second, always
ending on the newest payload; on the in-memory layer and on real Redis."""

import asyncio
import time

import pytest
from prometheus_client import REGISTRY

from tests.web.payloads import sample
from tests.web.sockets import connect, next_message


def _drops() -> float:
    return REGISTRY.get_sample_value("marketagg_ws_coalesced_drops_total") or 0.0


@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_updates_reaches_the_browser_coalesced(seeded, live, layer):
    live.put("BTC-USDT", sample(version=1))
    client, connected = await connect("/ws/book/BTC-USDT/")
    assert connected
    first = await next_message(client)
    assert first["type"] == "book" and first["version"] == 1
    assert first["bids"][0] == ["100.5", "3", {"binance:BTCUSDT": "1", "binance-usdm:BTCUSDT": "2"}]
    assert [m["key"] for m in first["members"]][:2] == ["binance:BTCUSDT", "binance-usdm:BTCUSDT"]

    drops_before = _drops()
    # 150 updates over about 1.5 s, far more than a browser should get.
    for version in range(2, 152):
        await layer.group_send("book.BTC-USDT", {"type": "book.update", "payload": sample(version=version)})
        await asyncio.sleep(0.01)
    received = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (not received or received[-1]["version"] != 151):
        received.append(await next_message(client))
    await client.disconnect()

    assert received[-1]["version"] == 151, "the newest update always arrives"
    versions = [m["version"] for m in received]
    assert versions == sorted(versions)
    sent = [m["sent_at"] for m in [first, *received]]
    # At most 10 in any second (MARKETAGG_WS_MAX_HZ), and no burst: 50 ms apart at least.
    assert all(later - earlier >= 0.999 for earlier, later in zip(sent, sent[10:], strict=False)), sent
    assert min(b - a for a, b in zip(sent, sent[1:], strict=False)) >= 0.049, sent
    assert len(received) < 50  # most of the 150 were coalesced away
    assert _drops() - drops_before == 150 - len(received)
