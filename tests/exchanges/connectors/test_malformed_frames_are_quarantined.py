"""Bad input is counted per kind, kept in the quarantine, and changes nothing else.

Each bad frame is sent as json.dumps spells it and compact, as Binance does: a compact depth frame
is first read the fast way (exchanges.connectors.binance_depth), which must leave a bad one to the
careful path rather than let it through or lose it."""

import json

import pytest

from tests.exchanges.connectors.frames import depth, snapshot
from tests.exchanges.connectors.scripted_venue import wait_for

BAD = [
    ("invalid_json", '{"stream": "btcusdt@depth@100ms", "data": {"e": "depthUpd'),
    (
        "missing_field",
        json.dumps({"stream": "x", "data": {"e": "depthUpdate", "s": "BTCUSDT", "U": 102, "u": 102}}),
    ),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "NaN")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "-1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("abc", "1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("Infinity", "1")]))),
    ("unknown_event", json.dumps({"stream": "btcusdt@weird", "data": {"e": "somethingNew", "E": 1}})),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("0.00", "1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "1e3")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", " 1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("9.9.9", "1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[(99, "1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "1", "2")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "1")], ts=True))),
    ("bad_number", json.dumps(depth("BTCUSDT", True, 102, bids=[("99", "1")]))),
    ("bad_number", json.dumps(depth("BTCUSDT", 102, 102, bids=[("99", "1")], ts=10**18))),
    ("unknown_event", json.dumps(depth("ETHUSDT", 102, 102, bids=[("99", "1")]))),
]
BAD += [(kind, json.dumps(json.loads(frame), separators=(",", ":"))) for kind, frame in BAD[1:]]


@pytest.mark.parametrize(("kind", "frame"), BAD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(BAD)])
async def test_bad_frame_is_counted_quarantined_and_harmless(venue, run_feeds, kind, frame):
    venue.snapshots["BTCUSDT"] = [snapshot(100, bids=[("99", "1")], asks=[("101", "1")])]
    sup = await run_feeds(venue, "binance", ["BTCUSDT"])
    await venue.wait_connections(1)
    await venue.send(depth("BTCUSDT", 101, 101, bids=[("98", "1")]))
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 101)
    await venue.send(frame)
    await venue.send(depth("BTCUSDT", 102, 102, bids=[("97", "1")]))  # the real next event: no gap
    await wait_for(lambda: sup.books()["binance:BTCUSDT"].sequence == 102)
    stats = sup.stats()["venues"]["binance"]
    assert stats["gaps"] == 0 and stats["resyncs"] == 0
    assert [q.kind for q in sup.quarantine.frames] == [kind]
    assert sup.books()["binance:BTCUSDT"].to_json()["bids"] == [["99", "1"], ["98", "1"], ["97", "1"]]
    assert venue.opened == 1  # the connection survived
