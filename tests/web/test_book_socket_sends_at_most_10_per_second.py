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
    # 60 updates over about 0.6 s, as a busy feed would publish them.
    for version in range(2, 62):
        await layer.group_send("book.BTC-USDT", {"type": "book.update", "payload": sample(version=version)})
        await asyncio.sleep(0.01)
    received = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (not received or received[-1]["version"] != 61):
        received.append(await next_message(client))
    await client.disconnect()

    assert received[-1]["version"] == 61, "the newest update always arrives"
    versions = [m["version"] for m in received]
    assert versions == sorted(versions)
    gaps = [b["sent_at"] - a["sent_at"] for a, b in zip([first, *received], received, strict=False)]
    assert min(gaps) >= 0.095, gaps  # at most 10 a second (MARKETAGG_WS_MAX_HZ)
    assert len(received) < 15
    assert _drops() - drops_before == 60 - len(received)
