"""A relay never hands its sockets an update older than one it passed on: when the pub/sub copy of
an update is lost, the late group copy of it must not follow its newer successor (the page would
show an older book until the next update). A step back of the feed host's clock is not lateness."""

from books.relay import CLOCK_STEP, PairRelay


def _update(version: int, published_at: float) -> dict:
    return {"pair": "BTC-USDT", "version": version, "published_at": published_at}


async def test_late_and_repeated_copies_are_dropped_in_order():
    relay = PairRelay(layer=None, pair="BTC-USDT")
    got = []
    relay.listeners.add(lambda payload: got.append(payload["version"]))
    t = 1_800_000_000.0
    for version, at in [
        (1, t),  # passed
        (3, t + 0.2),  # pub/sub copy of 3 (that of 2 was lost)
        (2, t + 0.1),  # the group copy of 2, late: older than 3
        (3, t + 0.2),  # the group copy of 3: a repeat
        (4, t + 0.3),  # passed
        (1, t + 0.3 - CLOCK_STEP - 1),  # the feed host's clock stepped back (a restarted process)
        (2, t + 0.3 - CLOCK_STEP - 0.9),  # and goes on from there
    ]:
        await relay._dispatch(_update(version, at))
    assert got == [1, 3, 4, 1, 2]
