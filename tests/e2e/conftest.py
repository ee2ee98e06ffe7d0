"""Browser tests: headless Debian chromium (never a downloaded browser) driven by Playwright
against one real `manage.py serve --simulate` shared by the tests of this package.

The browser lives for this package only: Playwright's sync API keeps an event loop of its own,
which must be gone before the database tests of other packages run.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.server import ServeProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> ServeProcess:
    serve = ServeProcess(tmp_path_factory.mktemp("e2e-serve"))
    serve.prepare()
    serve.start()
    serve.wait_healthy()
    yield serve
    serve.stop()


@pytest.fixture(scope="package")
def browser(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def site(server) -> ServeProcess:
    """The shared server, with every BTC-USDT venue live (a previous test may have restarted it)."""
    if server.proc is None:
        server.start()
    server.wait_healthy()
    server.wait_books_live()
    return server
