"""A venue taken down in the simulator shows as not live, with its reason, within seconds, on the
status page and on the book page (its quantities leave the ladder); back up, it shows live again."""

from playwright.sync_api import expect

KEY = "deribit:BTC-PERPETUAL"
ROW = f'tr.inst[data-key="{KEY}"]'
BADGE = f'.venue-badge[data-key="{KEY}"]'


def test_status_page_shows_the_stalled_venue_and_its_return(page, server):
    server.wait_healthy()
    page.goto(f"{server.url}/")
    expect(page.locator(ROW)).to_have_class("inst state-live")
    expect(page.locator("#conn")).to_have_text("live")
    server.control("pause", "deribit")
    try:
        expect(page.locator(ROW)).not_to_have_class("inst state-live", timeout=20_000)
        expect(page.locator(f"{ROW} .c-state .badge")).not_to_have_text("live")
        expect(page.locator(f"{ROW} .c-reason")).not_to_be_empty()
        # The other venues are untouched.
        expect(page.locator('tr.inst[data-key="binance:BTCUSDT"]')).to_have_class("inst state-live")
        expect(page.locator('[data-summary="BTC-USDT"]')).to_have_text("3/4 live")
    finally:
        server.control("resume", "deribit")
    expect(page.locator(ROW)).to_have_class("inst state-live", timeout=60_000)
    expect(page.locator(f"{ROW} .c-reason")).to_be_empty()


def test_book_page_takes_the_stalled_venue_out_and_back(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator(BADGE)).to_have_class("badge venue-badge state-live in")
    site.control("pause", "deribit")
    try:
        expect(page.locator(BADGE)).to_contain_text("out", timeout=20_000)
        page.wait_for_function(
            "key => ![...document.querySelectorAll('#bids tr, #asks tr')]"
            ".some(tr => (tr.dataset.venues || '').split(' ').includes(key))",
            arg=KEY,
            timeout=10_000,
        )
    finally:
        site.control("resume", "deribit")
    expect(page.locator(BADGE)).to_have_class("badge venue-badge state-live in", timeout=60_000)
