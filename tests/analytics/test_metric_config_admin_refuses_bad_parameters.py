"""The admin's MetricConfig form refuses what a metric cannot run with, saying why, and saves
nothing; a good config is saved with its parameters. Driven through the real admin views."""

from html import unescape

import pytest

from analytics.models import MetricConfig

ADD_URL = "/admin/analytics/metricconfig/add/"


def form(**fields) -> dict:
    data = {"pair": "BTC-USDT", "metric": "imbalance", "label": "", "params": "{}", "enabled": "on"}
    data.update(fields)
    return data


def refused(client, **fields) -> str:
    before = MetricConfig.objects.count()
    page = client.post(ADD_URL, form(**fields))
    assert page.status_code == 200, "the form again, not a redirect to the list"
    assert MetricConfig.objects.count() == before
    return unescape(page.content.decode())


@pytest.mark.django_db
def test_a_negative_window_is_refused(admin_client):
    text = refused(admin_client, metric="vwap", params='{"window": -5}')
    assert "window must be greater than 0 seconds, got -5" in text


@pytest.mark.django_db
def test_a_level_count_of_zero_is_refused(admin_client):
    text = refused(admin_client, label="imbalance_top0", params='{"levels": 0}')
    assert "levels must be at least 1 levels, got 0" in text


@pytest.mark.django_db
def test_an_unknown_parameter_is_refused(admin_client):
    text = refused(admin_client, label="imbalance_x", params='{"levels": 5, "bps": 10}')
    assert "unknown parameter 'bps' for imbalance (it takes: levels)" in text


@pytest.mark.django_db
def test_an_unknown_metric_is_refused_with_the_known_ones(admin_client):
    text = refused(admin_client, metric="vpin", label="vpin")
    assert "unknown metric 'vpin'; known metrics: arbitrage, " in text and "imbalance, " in text


@pytest.mark.django_db
def test_a_pair_that_is_not_canonical_is_refused(admin_client):
    text = refused(admin_client, pair="btcusdt", label="imbalance_y")
    assert "'BTCUSDT' is not a canonical pair like BTC-USDT" in text


@pytest.mark.django_db
def test_a_good_config_is_saved(admin_client):
    page = admin_client.post(ADD_URL, form(pair="sol-usdt", label="imbalance_top5", params='{"levels": 5}'))
    assert page.status_code == 302
    saved = MetricConfig.objects.get(pair="SOL-USDT", label="imbalance_top5")
    assert (saved.metric, saved.params, saved.enabled) == ("imbalance", {"levels": 5}, True)
    listing = unescape(admin_client.get("/admin/analytics/metricconfig/?pair=SOL-USDT").content.decode())
    assert "levels=5" in listing


@pytest.mark.django_db
def test_the_defaults_are_there_after_migrate():
    for pair in ("BTC-USDT", "ETH-USDT"):
        keys = set(MetricConfig.objects.filter(pair=pair, enabled=True).values_list("label", flat=True))
        assert {"imbalance", "spread", "mid", "microprice"} <= keys


@pytest.mark.django_db
def test_the_admin_lists_configs_and_stored_bars(admin_client):
    page = unescape(admin_client.get("/admin/analytics/metricconfig/add/").content.decode())
    assert "imbalance: Volume imbalance of the top `levels` price levels a side, on quantities." in page
    assert "levels: int levels, default 10 (>= 1; <= 5000)" in page
    assert admin_client.get("/admin/analytics/metricbar/").status_code == 200
