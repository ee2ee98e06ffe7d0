"""The live book page fills its ladder from the WebSocket and keeps changing; depth and grouping
apply; the run writes the README's screenshot (docs/screenshot.png)."""

import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.pages import expect_members_live

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def _ladder(page) -> list[str]:
    return page.locator("#asks td.p, #bids td.p").all_inner_texts()


def test_ladder_fills_then_changes(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#conn")).to_have_text("live")
    expect(page.locator("#bids tr")).to_have_count(25)
    expect(page.locator("#asks tr")).to_have_count(25)
    bids = [Decimal(p) for p in page.locator("#bids td.p").all_inner_texts()]
    asks = [Decimal(p) for p in page.locator("#asks td.p").all_inner_texts()]
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks, reverse=True)  # asks on top, best last
    # Every venue of the pair has a coloured bar somewhere and a live badge.
    expect_members_live(page)
    first = _ladder(page)
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll('#asks td.p, #bids td.p')].map(e => e.textContent))"
        " !== before",
        arg=__import__("json").dumps(first),
        timeout=10_000,
    )
    expect(page.locator('#metrics dd[data-metric="mid"]')).not_to_have_text("–")
    expect(page.locator("#rate")).not_to_have_text("0")  # a second of updates counted
    # The history chart reads the stored 1 s bars through the API.
    expect(page.locator("#history-note")).to_have_text(re.compile(r"^\d+ stored bars of "), timeout=30_000)
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    assert SCREENSHOT.stat().st_size > 10_000


def test_depth_and_grouping_change_the_ladder(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#bids tr")).to_have_count(25)
    page.select_option("#depth", "10")
    expect(page.locator("#bids tr")).to_have_count(10)
    expect(page.locator("#asks tr")).to_have_count(10)
    page.select_option("#group", "10")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#bids td.p')].every(e => Number(e.textContent) % 10 === 0)",
        timeout=5_000,
    )
    prices = [Decimal(p) for p in page.locator("#bids td.p, #asks td.p").all_inner_texts()]
    assert all(p % 10 == 0 for p in prices)
