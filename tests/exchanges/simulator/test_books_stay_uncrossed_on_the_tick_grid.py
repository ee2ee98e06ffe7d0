"""Every instrument's walk keeps an uncrossed book of 50-300 levels a side, prices on the tick
grid and quantities on the step grid, with 1-20 level changes per event: the catalog's, and the
made-up coins' of `simulate_exchanges --instruments N` (X001 on each venue: the lowest price)."""

from exchanges.simulator.catalog import CATALOG, instruments
from exchanges.simulator.walk import BookWalk


def test_books_stay_uncrossed_on_the_tick_grid():
    made_up = instruments(len(CATALOG) + 3)[len(CATALOG) :]
    assert [i.key for i in made_up] == [
        "binance:X001USDT",
        "binance-usdm:X001USDT",
        "binance-coinm:X001USD_PERP",
    ]
    for inst in [*CATALOG, *made_up]:
        walk = BookWalk(inst, seed=9)
        last = walk.sequence
        for i in range(600):
            event = walk.step(i)
            book = walk.truth
            assert not book.is_crossed(), inst.key
            assert 50 <= len(book.bids) <= 300 and 50 <= len(book.asks) <= 300, inst.key
            assert event.first == last + 1 and event.prev == last and event.last == book.sequence
            last = event.last
            changed = event.bids + event.asks
            # 1-20 changes, plus the far levels trimmed or added to keep each side's size.
            assert 1 <= len(changed) <= 24, (inst.key, len(changed))
            for price, qty, _ in changed:
                assert price % inst.tick == 0 and qty % inst.step == 0, inst.key
