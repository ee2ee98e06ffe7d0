"""The live page says when the server is away and comes back by itself after a restart."""

from playwright.sync_api import expect


def test_book_page_reconnects_after_restart(page, site):
    page.goto(f"{site.url}/book/BTC-USDT/")
    expect(page.locator("#bids tr")).to_have_count(25)
    site.stop()
    expect(page.locator("#conn")).to_contain_text("server unreachable", timeout=10_000)
    expect(page.locator("#conn")).to_have_class("conn conn-down")
    site.start()
    expect(page.locator("#conn")).to_have_text("live (reconnected)", timeout=30_000)
    version = page.evaluate("() => document.getElementById('rate').textContent")
    # Updates flow again on the new connection: the ladder changes.
    before = page.locator("#bids td.p, #asks td.p").all_inner_texts()
    page.wait_for_function(
        "before => JSON.stringify([...document.querySelectorAll('#asks td.p, #bids td.p')].map(e => e.textContent))"
        " !== before",
        arg=__import__("json").dumps(before),
        timeout=30_000,
    )
    assert version is not None
