"""`/` and `/book/<pair>/` render without a login, with every enabled instrument and only local assets."""

import re

from django.contrib.staticfiles import finders

from exchanges.models import Instrument


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


def test_index_lists_every_pair_with_its_venue_instruments(client, seeded):
    Instrument.objects.filter(exchange__venue="binance", symbol="ETHUSDT").update(enabled=False)
    html = client.get("/").content.decode()
    assert 'data-pair="BTC-USDT"' in html and 'href="/book/BTC-USDT/"' in html
    for key in (
        "binance:BTCUSDT",
        "binance-usdm:BTCUSDT",
        "binance-coinm:BTCUSD_PERP",
        "deribit:BTC-PERPETUAL",
    ):
        assert f'data-key="{key}"' in html
    assert 'data-key="binance:ETHUSDT"' not in html  # disabled: not shown


def test_book_page_offers_depths_and_groupings_on_the_pair_tick(client, seeded):
    response = client.get("/book/BTC-USDT/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-pair="BTC-USDT"' in html
    assert '<option value="25" selected>' in html
    # The smallest tick of the pair's instruments is 0.01 (Binance spot): groupings from it.
    for group in ("0.01", "0.1", "1", "10", "100"):
        assert f'<option value="{group}">' in html
    assert 'data-key="deribit:BTC-PERPETUAL"' in html


def test_unknown_pair_page_is_a_404(client, seeded):
    assert client.get("/book/DOGE-EUR/").status_code == 404


def test_pages_use_only_assets_the_project_serves(client, seeded):
    for url in ("/", "/book/BTC-USDT/", "/api/docs"):
        assets = _assets(client.get(url).content.decode())
        assert assets
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert finders.find(asset.removeprefix("/static/")), asset
