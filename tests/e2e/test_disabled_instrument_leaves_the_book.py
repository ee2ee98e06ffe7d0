"""An instrument disabled in the admin leaves the consolidated book on the live page within 2 s."""

import time

from playwright.sync_api import expect

from tests.e2e.server import ADMIN

KEY = "binance-usdm:BTCUSDT"


def _set_enabled(admin, url: str, enabled: bool) -> None:
    admin.goto(url)
    box = admin.locator("#id_enabled")
    if box.is_checked() != enabled:
        box.click()
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist")).to_be_visible()


def test_disabled_instrument_leaves_within_two_seconds(page, site, context):
    admin = context.new_page()
    admin.goto(f"{site.url}/admin/login/")
    admin.fill("#id_username", ADMIN[0])
    admin.fill("#id_password", ADMIN[1])
    admin.locator("input[type=submit]").click()
    expect(admin.locator("#site-name")).to_be_visible()
    # The admin's "View site" leads to the live pages.
    assert admin.locator("#user-tools a", has_text="View site").get_attribute("href") == "/"

    url = f"{site.url}/admin/exchanges/instrument/{site.instrument_id('binance-usdm', 'BTCUSDT')}/change/"
    page.goto(f"{site.url}/book/BTC-USDT/")
    page.wait_for_function("() => document.querySelectorAll('#bids tr').length === 25")
    # All 200 levels a side: the venue is surely in them, wherever the simulator's prices stand.
    page.select_option("#depth", "200")
    page.wait_for_function(
        "key => [...document.querySelectorAll('#bids tr, #asks tr')]"
        ".some(tr => (tr.dataset.venues || '').split(' ').includes(key))",
        arg=KEY,
    )
    try:
        admin.goto(url)
        admin.locator("#id_enabled").uncheck()
        clicked = time.monotonic()
        with admin.expect_navigation():
            admin.locator("input[name=_save]").click()
        # The admin answers after the commit (its on-commit hooks sent the control message): from
        # here the instrument is disabled. The save itself can take a second on the embedded
        # SQLite while the tick writer holds the write lock; it is bounded separately below.
        saved = time.monotonic()
        page.wait_for_function(
            "key => ![...document.querySelectorAll('#bids tr, #asks tr')]"
            ".some(tr => (tr.dataset.venues || '').split(' ').includes(key))",
            arg=KEY,
            timeout=5_000,
            polling=50,
        )
        took = time.monotonic() - saved
        assert took < 2.0, f"{KEY} left the book {took:.2f}s after the admin saved it"
        assert time.monotonic() - clicked < 4.0, "the admin's save and the book's update took over 4 s"
        expect(admin.locator(".messagelist")).to_contain_text("Sent to the feed process")
    finally:
        _set_enabled(admin, url, True)
    site.wait_books_live()
