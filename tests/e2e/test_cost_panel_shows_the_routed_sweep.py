"""The book page's cost panel: a typed size shows the routed sweep, its split per venue and the best
single venue, marks the ladder levels it takes, and says so when the book cannot fill it."""

from decimal import Decimal

from playwright.sync_api import expect


def _marked(page, side: str) -> list[int]:
    return page.eval_on_selector_all(
        f"#{side} tr",
        "rows => rows.map((r, i) => r.classList.contains('cost-take') ? i : -1).filter(i => i >= 0)",
    )


def test_cost_panel_routes_a_size_and_marks_the_ladder(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#conn")).to_have_text("live")
    expect(page.locator("#asks tr")).to_have_count(25)
    # Three best asks' worth of base: the sweep takes at least two levels, and the marked rows are
    # the best ones (asks are drawn best last).
    totals = [Decimal(q) for q in page.locator("#asks td.q").all_inner_texts()[-3:]]
    page.fill("#cost-size", str(sum(totals)))
    expect(page.locator('#cost-result dd[data-cost="average price"]')).not_to_have_text("–")
    expect(page.locator("#cost-status")).to_contain_text("filled across")
    expect(page.locator("#cost-split tbody tr")).not_to_have_count(0)
    page.wait_for_function("() => document.querySelectorAll('#asks tr.cost-take').length >= 2")
    marked = _marked(page, "asks")
    assert marked == list(range(25 - len(marked), 25)), marked
    assert _marked(page, "bids") == []
    # The split is the API's answer for the same request, venue by venue.
    keys = page.locator("#cost-split tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert (
        set(keys)
        <= {
            "binance:BTCUSDT",
            "binance-usdm:BTCUSDT",
            "binance-coinm:BTCUSD_PERP",
            "deribit:BTC-PERPETUAL",
        }
        and keys
    )
    expect(page.locator("#cost-best")).not_to_be_empty()

    page.select_option("#cost-side", "sell")
    page.wait_for_function("() => document.querySelectorAll('#bids tr.cost-take').length >= 1")
    page.wait_for_function("() => document.querySelectorAll('#asks tr.cost-take').length === 0")
    marked = _marked(page, "bids")
    assert marked == list(range(len(marked))), marked  # bids are drawn best first


def test_cost_panel_says_what_cannot_be_filled_and_why_a_size_is_refused(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#conn")).to_have_text("live")
    page.fill("#cost-size", "1000000")
    expect(page.locator("#cost-status")).to_contain_text("cannot fill")
    expect(page.locator("#cost-best")).to_have_text("No single venue fills this size alone.")
    page.fill("#cost-size", "abc")
    expect(page.locator("#cost-status")).to_contain_text("size: must be a number")
    expect(page.locator("#cost-split")).to_be_hidden()
