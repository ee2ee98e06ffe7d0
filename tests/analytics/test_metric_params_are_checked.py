"""Metric parameters: defaults filled in, limits and types enforced with messages that say which
parameter and why."""

from decimal import Decimal

import pytest

from analytics.metrics import ParamError, get_metric
from analytics.metrics.params import Param


def refused(name, params):
    with pytest.raises(ParamError) as info:
        get_metric(name).validate(params)
    return str(info.value)


def test_defaults_are_filled_in():
    assert get_metric("imbalance").validate({}) == {"levels": 10}
    assert get_metric("depth").validate({"bps": "25"}) == {"bps": 25.0, "unit": "base"}


def test_bad_values_are_refused_with_the_reason():
    assert refused("ofi", {"window": -5}) == "window must be greater than 0 seconds, got -5"
    assert refused("imbalance", {"levels": 0}) == "levels must be at least 1 levels, got 0"
    assert refused("imbalance", {"levels": 2.5}) == "levels must be a whole number levels, got 2.5"
    assert "unknown parameter 'depth' for imbalance (it takes: levels)" in refused("imbalance", {"depth": 3})
    assert refused("depth", {"unit": "usd"}) == "unit must be one of base, quote, got 'usd'"
    assert refused("vwap", {"window": "nan"}) == "window must be a finite number seconds, got 'nan'"
    # every problem at once
    assert refused("depth", {"bps": 0, "unit": "x"}).count(";") == 1


def test_an_unknown_metric_names_the_known_ones():
    with pytest.raises(ParamError, match="unknown metric .vpin.; known metrics: arbitrage, .*imbalance"):
        get_metric("vpin")


def test_decimal_parameters():
    step = Param("step", "decimal", Decimal("0.5"), min=0, min_exclusive=True)
    assert step.clean("0.1") == Decimal("0.1")
    with pytest.raises(ParamError, match="step must be a decimal number"):
        step.clean("abc")
