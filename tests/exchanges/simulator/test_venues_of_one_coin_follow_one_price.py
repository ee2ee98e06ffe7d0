"""The venues of one coin follow one fair price: over a pinned-seed run their mids stay within a
fraction of a bps of each other, the fair price itself moves, and one venue's bid is above
another's ask (the consolidated book crossed) only now and then, for a few events at most. A venue
stalled while the price moved catches up within a few events of coming back."""

from decimal import Decimal

from exchanges.simulator import Simulator

BTC = [
    ("binance", "BTCUSDT"),
    ("binance-usdm", "BTCUSDT"),
    ("binance-coinm", "BTCUSD_PERP"),
    ("deribit", "BTC-PERPETUAL"),
]
ETH = [
    ("binance", "ETHUSDT"),
    ("binance-usdm", "ETHUSDT"),
    ("binance-coinm", "ETHUSD_PERP"),
    ("deribit", "ETH-PERPETUAL"),
]
TICKS = 3000


def tops(sim: Simulator, venues) -> list[tuple[Decimal, Decimal]]:
    """Each venue's best bid and ask; every venue book on its own stays uncrossed and sized."""
    out = []
    for venue, symbol in venues:
        walk = sim.market.walk(venue, symbol)
        (bid, _), (ask, _) = walk.best()
        assert bid < ask and 50 <= len(walk.bids) <= 300 and 50 <= len(walk.asks) <= 300, venue
        out.append((bid, ask))
    return out


def apart_bps(quotes) -> float:
    """How far apart the venues' mids are: highest less lowest, in bps of the lowest."""
    mids = [(bid + ask) / 2 for bid, ask in quotes]
    return float((max(mids) - min(mids)) / min(mids) * 10_000)


def crossed(quotes) -> bool:
    return max(bid for bid, _ in quotes) > min(ask for _, ask in quotes)


def test_venues_of_one_coin_stay_together_and_cross_rarely():
    sim = Simulator(seed=11, rate=0)
    start = {coin: sim.market.fair[coin].price for coin in ("BTC-USD", "ETH-USD")}
    for venues in (BTC, ETH):
        assert apart_bps(tops(sim, venues)) < 0.5  # they start together, not 30 USD apart
    apart: dict[str, list[float]] = {"BTC": [], "ETH": []}
    crossed_ticks = {"BTC": 0, "ETH": 0}
    longest = {"BTC": 0, "ETH": 0}
    run = {"BTC": 0, "ETH": 0}
    for _ in range(TICKS):
        sim.advance(1)
        for coin, venues in (("BTC", BTC), ("ETH", ETH)):
            quotes = tops(sim, venues)
            apart[coin].append(apart_bps(quotes))
            if crossed(quotes):
                crossed_ticks[coin] += 1
                run[coin] += 1
                longest[coin] = max(longest[coin], run[coin])
            else:
                run[coin] = 0
    for coin in ("BTC", "ETH"):
        spread = sorted(apart[coin])
        assert spread[int(TICKS * 0.99)] < 1.0, coin  # 1 bps: 6.5 USD on BTC, 0.35 on ETH
        assert spread[-1] < 3.0, coin
        assert crossed_ticks[coin] < 0.03 * TICKS, (coin, crossed_ticks[coin])
        assert longest[coin] <= 15, (coin, longest[coin])
    assert crossed_ticks["BTC"] + crossed_ticks["ETH"] > 0  # the venues' own noise does show
    moved = [abs(sim.market.fair[coin].price / start[coin] - 1) * 10_000 for coin in start]
    assert all(m > 0.1 for m in moved), moved  # the common price is not standing still


def test_a_stalled_venue_catches_up_with_the_market():
    sim = Simulator(seed=12, rate=0)
    sim.market.pause_venue("deribit")
    before = sim.market.fair["BTC-USD"].price
    sim.advance(2000)
    moved = abs(sim.market.fair["BTC-USD"].price - before)
    sim.market.paused_venues.discard("deribit")
    sim.advance(20)
    assert apart_bps(tops(sim, BTC)) < 1.0, f"deribit still behind after the market moved {moved:.1f}"
