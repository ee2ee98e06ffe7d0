"""A venue whose book goes stale (the simulator stalls Deribit: connection open, book still) leaves
the consolidated book at once, listed as out with its state and reason, its quantity gone from
every level; when its book moves again it comes back, and the book equals the venue books
converted independently throughout."""

from fractions import Fraction

from tests.books.consolidated_reference import expected_book
from tests.books.consolidated_sim import KEYS, streaming, until, venue_members

DERIBIT = "deribit:BTC-PERPETUAL"


def _matches(sup, specs, book) -> bool:
    expected = expected_book(venue_members(sup, specs))
    return all([(p, Fraction(t), by) for p, t, by in book.levels(s)] == expected[s] for s in ("bids", "asks"))


async def test_a_stale_venue_leaves_the_book_and_comes_back():
    async with streaming(seed="stale-venue", rate=30.0, stale_after=1.0, watchdog_interval=0.1) as (
        sim,
        sup,
        sink,
        specs,
    ):
        paused = {"on": False}
        out: list[dict] = []  # what the book looked like each time Deribit left, read as it left

        def watch(pair, book, now):
            member = book.members[DERIBIT]
            if paused["on"] and not member.included and not out:
                out.append(
                    {
                        "state": member.state,
                        "listed_out": book.venues_out().get(DERIBIT, ""),
                        "in": book.venues_in(),
                        "anywhere": any(
                            DERIBIT in by for s in ("bids", "asks") for _, _, by in book.levels(s)
                        ),
                        "own_levels": book.venue_levels(DERIBIT, "bids"),
                        "matches": _matches(sup, specs, book),
                    }
                )

        sink.add_listener(watch)
        await until(
            lambda: "BTC-USDT" in sink.books and set(sink.books["BTC-USDT"].venues_in()) == set(KEYS),
            what="all three in",
        )
        book = sink.books["BTC-USDT"]
        assert _matches(sup, specs, book)

        paused["on"] = True
        sim.market.pause_venue("deribit")
        await until(lambda: bool(out), what="deribit out", timeout=10)
        left = out[0]
        assert left["state"] == "stale"
        assert left["listed_out"].startswith("stale: no change for")
        assert left["in"] == ["binance-coinm:BTCUSD_PERP", "binance:BTCUSDT"]
        assert not left["anywhere"] and left["own_levels"] == []
        assert left["matches"]

        sim.market.paused_venues.discard("deribit")
        await until(lambda: DERIBIT in book.venues_in(), what="deribit back", timeout=20)
        assert book.members[DERIBIT].state == "live"
        assert any(DERIBIT in by for _, _, by in book.levels("bids"))
        assert _matches(sup, specs, book)
        assert book.quotes == {"USD", "USDT"}
