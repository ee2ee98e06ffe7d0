"""Property: whatever is dropped or repeated on the wire, the book ends equal to the venue's truth.

Snapshots are cut at the depth asked for (LIMIT a side), as the venues cut them: the truth a
client must end with is the venue's book cut at the boundary of the last snapshot it was given
(every level inside it, nothing past it; books/orderbook.py states the rule)."""

import asyncio
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exchanges.connectors import FeedOptions
from exchanges.supervisor import FeedSupervisor
from exchanges.types import Endpoints, InstrumentSpec
from tests.exchanges.connectors.frames import depth, deribit_book
from tests.exchanges.connectors.scripted_venue import ScriptedVenue, wait_for

LIMIT = 5  # the instrument's depth: Binance spot asks limit=5, Deribit depth=5
# One event: some level changes on either side; how it travels: sent, dropped or sent twice.
level = st.tuples(st.sampled_from("ba"), st.integers(0, 14), st.sampled_from(["0", "1", "2.5", "0.001", "7"]))
event = st.tuples(
    st.lists(level, min_size=1, max_size=6), st.sampled_from(["send", "send", "send", "drop", "dup"])
)


def price(side: str, i: int) -> str:
    # bids below 100, asks above: the truth is never crossed
    return str(Decimal("99.5") - Decimal(i) / 2) if side == "b" else str(Decimal("100.5") + Decimal(i) / 2)


class Truth:
    def __init__(self) -> None:
        self.levels = {"b": {}, "a": {}}
        self.seq = 1000
        self.boundary = {"b": None, "a": None}  # of the last snapshot given out

    def snapshot(self, limit: int) -> dict:
        """The best `limit` levels a side; a side with that many was cut: its worst is the boundary."""
        out = {}
        for side in "ba":
            top = sorted(self.levels[side].items(), key=lambda kv: Decimal(kv[0]), reverse=side == "b")[
                :limit
            ]
            self.boundary[side] = Decimal(top[-1][0]) if len(top) == limit else None
            out[side] = top
        return out

    def apply(self, changes) -> None:
        for side, i, qty in changes:
            p = price(side, i)
            if qty == "0":
                self.levels[side].pop(p, None)
            else:
                self.levels[side][p] = qty

    def expected(self) -> dict:
        def norm(x: str) -> str:
            d = Decimal(x)
            return format(d.normalize(), "f") if d != d.to_integral() else str(d.to_integral())

        bid_bound, ask_bound = self.boundary["b"], self.boundary["a"]
        bids = sorted(
            ((p, q) for p, q in self.levels["b"].items() if bid_bound is None or Decimal(p) >= bid_bound),
            key=lambda kv: -Decimal(kv[0]),
        )
        asks = sorted(
            ((p, q) for p, q in self.levels["a"].items() if ask_bound is None or Decimal(p) <= ask_bound),
            key=lambda kv: Decimal(kv[0]),
        )
        return {"bids": [[norm(p), norm(q)] for p, q in bids], "asks": [[norm(p), norm(q)] for p, q in asks]}


async def scenario(venue_id: str, events) -> None:
    server = await ScriptedVenue().start()
    truth = Truth()
    symbol = "BTCUSDT" if venue_id == "binance" else "BTC-PERPETUAL"

    def binance_snapshot(_symbol):
        snap = truth.snapshot(LIMIT)
        return {
            "lastUpdateId": truth.seq,
            "bids": [[p, q] for p, q in snap["b"]],
            "asks": [[p, q] for p, q in snap["a"]],
        }

    def deribit_rpc(method, params):
        if method == "public/get_order_book":
            snap = truth.snapshot(params["depth"])
            return {
                "result": {
                    "change_id": truth.seq,
                    "bids": [[float(p), float(q)] for p, q in snap["b"]],
                    "asks": [[float(p), float(q)] for p, q in snap["a"]],
                }
            }
        return None

    server.snapshot_fn = binance_snapshot
    server.rpc_fn = deribit_rpc
    ws_url = server.ws_url + ("/ws/api/v2" if venue_id == "deribit" else "")
    sup = FeedSupervisor(
        specs=[InstrumentSpec(venue=venue_id, symbol=symbol, depth=LIMIT)],
        endpoints={venue_id: Endpoints(ws_url=ws_url, rest_url=server.rest_url)},
        # A resynced book with no event after its snapshot goes live after sync_timeout / 2: short here.
        options=FeedOptions(watchdog=False, planned_reconnect=False, sync_timeout=0.4),
    )
    task = asyncio.create_task(sup.run())
    try:
        await server.wait_connections(1)
        if venue_id == "deribit":
            await server.send(deribit_book(symbol, "snapshot", truth.seq))
        for changes, travel in [
            *events,
            ([("b", 0, "3")], "send"),
        ]:  # a last clean event reveals a trailing drop
            prev = truth.seq
            truth.seq += 1 + len(changes)  # ids advance by more than one, as on the venues
            truth.apply(changes)
            if venue_id == "binance":
                frame = depth(
                    symbol,
                    prev + 1,
                    truth.seq,
                    bids=[(price(s, i), q) for s, i, q in changes if s == "b"],
                    asks=[(price(s, i), q) for s, i, q in changes if s == "a"],
                )
            else:
                entries = {"b": [], "a": []}
                for s, i, q in changes:
                    entries[s].append(["delete" if q == "0" else "new", float(price(s, i)), float(q)])
                frame = deribit_book(
                    symbol, "change", truth.seq, bids=entries["b"], asks=entries["a"], prev=prev
                )
            for _ in range({"send": 1, "drop": 0, "dup": 2}[travel]):
                await server.send(frame)
        key = f"{venue_id}:{symbol}"
        await wait_for(
            lambda: key in sup.books() and sup.books()[key].sequence == truth.seq and not sup.busy(),
            timeout=10,
            what="the book to catch up with the truth",
        )
        assert sup.books()[key].to_json() == truth.expected()
    finally:
        await sup.stop()
        await task
        await server.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=1, max_size=25))
def test_binance_book_equals_truth_after_drops_and_duplicates(events):
    asyncio.run(scenario("binance", events))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=1, max_size=25))
def test_deribit_book_equals_truth_after_drops_and_duplicates(events):
    asyncio.run(scenario("deribit", events))
