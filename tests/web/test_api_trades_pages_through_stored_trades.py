"""/api/trades/<pair>: the pair's stored trades of every venue, oldest first, in bounded pages."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from books.models import Trade
from exchanges.models import Instrument

T0 = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)


def _trade(instrument, seconds: int, trade_id: str, price: str = "65000.5") -> Trade:
    return Trade(
        instrument=instrument,
        time=T0 + timedelta(seconds=seconds),
        trade_id=trade_id,
        price=Decimal(price),
        quantity=Decimal("0.25"),
        taker_side="buy",
    )


def test_trades_of_every_venue_of_the_pair_in_time_order_and_pages(client, seeded):
    spot = Instrument.objects.get(exchange__venue="binance", symbol="BTCUSDT")
    deribit = Instrument.objects.get(exchange__venue="deribit", symbol="BTC-PERPETUAL")
    eth = Instrument.objects.get(exchange__venue="binance", symbol="ETHUSDT")
    Trade.objects.bulk_create(
        [
            _trade(spot, 1, "s1"),
            _trade(deribit, 2, "d1"),
            _trade(spot, 3, "s2"),
            _trade(eth, 2, "e1", "3500"),
            _trade(deribit, 4, "d2"),
            _trade(spot, 60, "late"),  # outside the window asked for
        ]
    )
    window = (
        f"start={T0.isoformat().replace('+00:00', 'Z')}&end={(T0 + timedelta(seconds=10)).timestamp():.0f}"
    )
    page = client.get(f"/api/trades/BTC-USDT?{window}&limit=3").json()
    assert [(t["venue"], t["trade_id"]) for t in page["trades"]] == [
        ("binance", "s1"),
        ("deribit", "d1"),
        ("binance", "s2"),
    ]
    assert page["trades"][0] == {
        "time": "2026-11-29T04:00:01+00:00",
        "venue": "binance",
        "symbol": "BTCUSDT",
        "trade_id": "s1",
        "price": "65000.5",
        "quantity": "0.25",
        "taker_side": "buy",
    }
    assert page["next_start"] == "2026-11-29T04:00:04+00:00"
    rest = client.get(
        f"/api/trades/BTC-USDT?start={page['next_start'].replace('+', '%2B')}&end={T0.timestamp() + 10:.0f}"
    )
    assert [t["trade_id"] for t in rest.json()["trades"]] == ["d2"]
    assert rest.json()["next_start"] is None
