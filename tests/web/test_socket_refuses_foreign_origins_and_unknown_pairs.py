"""A page from another origin cannot open the live sockets; an unknown pair is closed with 4404."""

import pytest

from tests.web.sockets import closed_with, connect


@pytest.mark.django_db(transaction=True)
async def test_foreign_origin_is_refused(seeded, layer):
    client, connected = await connect(
        "/ws/book/BTC-USDT/", headers=[(b"origin", b"http://evil.example"), (b"host", b"127.0.0.1:8000")]
    )
    assert not connected


@pytest.mark.django_db(transaction=True)
async def test_unknown_pair_is_closed_with_a_reason(seeded, layer):
    client, connected = await connect("/ws/book/DOGE-EUR/")
    assert connected
    assert await closed_with(client) == 4404
