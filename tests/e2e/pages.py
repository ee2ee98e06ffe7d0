"""What the browser tests check on the book page more than once."""

from __future__ import annotations

from playwright.sync_api import expect

# The seeded venue instruments of BTC-USDT (exchanges/defaults.py), as the page keys them.
BTC_USDT_MEMBERS = (
    "binance:BTCUSDT",
    "binance-usdm:BTCUSDT",
    "binance-coinm:BTCUSD_PERP",
    "deribit:BTC-PERPETUAL",
)


def expect_members_live(page, keys=BTC_USDT_MEMBERS) -> None:
    """Each venue's badge on the book page says live and in the book."""
    for key in keys:
        expect(page.locator(f'.venue-badge[data-key="{key}"]')).to_have_class(
            "badge venue-badge state-live in"
        )
