"""On the demo's BTC-USDT page the venues agree: the consolidated book is crossed (the red arbitrage
banner) only now and then, briefly, as on real markets, not for most of the updates."""

from playwright.sync_api import expect

from tests.e2e.pages import expect_members_live

UPDATES = 80  # 8 s or more at the page's 10 updates a second

COUNT_CROSSED = """() => {
  window.updates = 0; window.crossed = 0;
  document.addEventListener("book:update", e => {
    window.updates += 1;
    if (e.detail.crossed) window.crossed += 1;
  });
}"""


def test_consolidated_book_is_seldom_crossed(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#bids tr")).to_have_count(25)
    expect_members_live(page)
    page.evaluate(COUNT_CROSSED)
    page.wait_for_function(f"() => window.updates >= {UPDATES}", timeout=30_000)
    updates, crossed = page.evaluate("[window.updates, window.crossed]")
    assert crossed <= 0.2 * updates, f"crossed in {crossed} of {updates} updates"
