"""The simulator with three venues on BTC-USDT (spot, COIN-M contracts, Deribit USD amounts)
through the real connectors: at random moments (random book changes, picked up front from a
seeded generator) the consolidated book equals the live venue books converted independently,
level by level with each venue's contribution."""

import random
from fractions import Fraction

from tests.books.consolidated_reference import expected_book
from tests.books.consolidated_sim import KEYS, streaming, until, venue_members


async def test_consolidated_book_equals_the_converted_venue_books_at_random_moments():
    moments = sorted(random.Random(2026).sample(range(1, 400), 25))
    checked: list[int] = []
    wrong: list[str] = []
    async with streaming(seed="three-venues", rate=40.0) as (sim, sup, sink, specs):
        seen = {"changes": 0, "venues": set()}

        def check(pair, book, now):
            # Inside the sink's call: nothing else runs, the venue books and the consolidated
            # book are read at one and the same moment.
            seen["changes"] += 1
            seen["venues"].update(book.venues_in())
            if not moments or seen["changes"] != moments[0]:
                return
            moments.pop(0)
            members = venue_members(sup, specs)
            expected = expected_book(members)
            for side in ("bids", "asks"):
                got = [(p, Fraction(t), by) for p, t, by in book.levels(side)]
                if got != expected[side]:
                    wrong.append(
                        f"change {seen['changes']}, {side}: {len(got)} levels vs {len(expected[side])}"
                    )
            if set(book.venues_in()) != set(members):
                wrong.append(f"change {seen['changes']}: in {book.venues_in()}, live {sorted(members)}")
            checked.append(seen["changes"])

        sink.add_listener(check)
        await until(lambda: not moments, what="the random moments", timeout=60)
    assert not wrong, wrong
    assert len(checked) == 25
    assert seen["venues"] == set(KEYS), "all three venues took part"
