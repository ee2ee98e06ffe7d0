"""A client that sends garbage or floods is closed; the client beside it keeps its updates."""

import pytest

from tests.web.payloads import sample
from tests.web.sockets import closed_with, connect, next_message

GARBAGE = [
    "not json",
    '{"depth": "all"}',
    '{"depth": 0}',
    '{"depth": 5, "evil": 1}',
    '{"group": "-1"}',
    "[1, 2, 3]",
    '{"depth": 5, "group": "' + "9" * 600 + '"}',
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("garbage", GARBAGE)
async def test_garbage_closes_the_sender_only(seeded, live, layer, garbage):
    live.put("BTC-USDT", sample(version=1))
    good, _ = await connect("/ws/book/BTC-USDT/")
    bad, _ = await connect("/ws/book/BTC-USDT/")
    await next_message(good)
    await next_message(bad)
    await bad.send_to(text_data=garbage)
    assert await closed_with(bad) == 4400
    await layer.group_send("book.BTC-USDT", {"type": "book.update", "payload": sample(version=2)})
    assert (await next_message(good))["version"] == 2
    await good.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_binary_frames_are_garbage(seeded, live, layer):
    live.put("BTC-USDT", sample(version=1))
    bad, _ = await connect("/ws/book/BTC-USDT/")
    await next_message(bad)
    await bad.send_to(bytes_data=b"\x00\x01")
    assert await closed_with(bad) == 4400


@pytest.mark.django_db(transaction=True)
async def test_a_flood_closes_the_sender_only(seeded, live, layer):
    live.put("BTC-USDT", sample(version=1))
    good, _ = await connect("/ws/book/BTC-USDT/")
    flood, _ = await connect("/ws/book/BTC-USDT/")
    await next_message(good)
    await next_message(flood)
    for _ in range(200):
        await flood.send_json_to({"depth": 10})
    assert await closed_with(flood, timeout=10) == 4429
    await layer.group_send("book.BTC-USDT", {"type": "book.update", "payload": sample(version=3)})
    message = await next_message(good)
    while message["version"] != 3:
        message = await next_message(good)
    await good.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_status_socket_takes_nothing_from_the_browser(seeded, layer):
    client, connected = await connect("/ws/status/")
    assert connected
    status = await next_message(client)
    assert status["type"] == "status" and "BTC-USDT" in status["pairs"]
    await client.send_to(text_data="hello")
    assert await closed_with(client) == 4400
