"""A venue stalled in the simulator (its sockets open, its books still) turns `stale` on the status
page within seconds, with its reason and a last-change age that keeps growing, and stays stale
while it is quiet (/healthz fails it once it is stale beyond its limit); on the book page it is
listed stale and out, its quantities gone from the ladder. When its books move again it is `live`
on both pages, having shown nothing in between."""

from playwright.sync_api import expect

from tests.e2e.server import STALE_AFTER, wait_until

KEY = "deribit:BTC-PERPETUAL"
ROW = f'tr.inst[data-key="{KEY}"]'
BADGE = f'.venue-badge[data-key="{KEY}"]'
REASON = f"no change for {STALE_AFTER}s"

# Every state an element shows from now on (its `state-…` class), the current one first, each
# change once.
WATCH_STATES = """selector => {
  const el = document.querySelector(selector), seen = window.seenStates = [];
  const note = () => {
    const m = el.className.match(/state-(\\w+)/);
    if (m && seen[seen.length - 1] !== m[1]) seen.push(m[1]);
  };
  note();
  new MutationObserver(note).observe(el, { attributes: true, attributeFilter: ["class"] });
}"""

AGE_PAST = """([row, seconds]) => {
  const tr = document.querySelector(row), text = tr.querySelector(".c-age").textContent;
  return tr.classList.contains("state-stale") && parseFloat(text) >= seconds && text.endsWith(" s");
}"""


def _stale_in_healthz(server):
    body = server.get("/healthz", ok_only=False) or {}
    failing = body.get("checks", {}).get("feeds", {}).get("failing", {})
    reason = failing.get(KEY, "")
    return body if body.get("failing") == ["feeds"] and reason.startswith("stale for") else None


def test_status_page_shows_the_stalled_venue_stale_until_it_returns(page, server):
    server.wait_healthy()
    page.goto(f"{server.url}/")
    expect(page.locator(ROW)).to_have_class("inst state-live")
    expect(page.locator("#conn")).to_have_text("live")
    page.evaluate(WATCH_STATES, ROW)
    server.control("stall", "deribit")
    try:
        expect(page.locator(ROW)).to_have_class("inst state-stale", timeout=20_000)
        expect(page.locator(f"{ROW} .c-state .badge")).to_have_text("stale")
        expect(page.locator(f"{ROW} .c-reason")).to_have_text(REASON)
        # Quiet it stays stale, through the resubscribes that try to wake it: its age runs on past
        # twice the limit, where /healthz names it.
        page.wait_for_function(AGE_PAST, arg=[ROW, 2 * STALE_AFTER + 1], timeout=20_000)
        health = wait_until(lambda: _stale_in_healthz(server), timeout=10, what="/healthz failing it")
        assert REASON in health["checks"]["feeds"]["failing"][KEY]
        # The other venues are untouched.
        expect(page.locator('tr.inst[data-key="binance:BTCUSDT"]')).to_have_class("inst state-live")
        expect(page.locator('[data-summary="BTC-USDT"]')).to_have_text("3/4 live")
    finally:
        server.control("resume", "deribit")
    expect(page.locator(ROW)).to_have_class("inst state-live", timeout=30_000)
    expect(page.locator(f"{ROW} .c-reason")).to_be_empty()
    assert page.evaluate("window.seenStates") == ["live", "stale", "live"]
    server.wait_healthy(timeout=30)


def test_book_page_takes_the_stalled_venue_out_as_stale_and_back(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator(BADGE)).to_have_class("badge venue-badge state-live in")
    page.evaluate(WATCH_STATES, BADGE)
    site.control("stall", "deribit")
    try:
        expect(page.locator(BADGE)).to_have_class("badge venue-badge state-stale out", timeout=20_000)
        expect(page.locator(f"{BADGE} em")).to_have_text(f"stale · out · {REASON}")
        page.wait_for_function(
            "key => ![...document.querySelectorAll('#bids tr, #asks tr')]"
            ".some(tr => (tr.dataset.venues || '').split(' ').includes(key))",
            arg=KEY,
            timeout=10_000,
        )
    finally:
        site.control("resume", "deribit")
    expect(page.locator(BADGE)).to_have_class("badge venue-badge state-live in", timeout=30_000)
    assert page.evaluate("window.seenStates") == ["live", "stale", "live"]
