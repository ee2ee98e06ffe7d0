"""The registry finds a metric from its module alone, and each metric says what it computes."""

import pkgutil

import analytics.metrics
from analytics.metrics import Metric, registry

SHIPPED = {
    "arbitrage", "depth", "imbalance", "imbalance_bps", "microprice", "mid",
    "ofi", "realized_vol", "spread", "venue_share", "volume", "vwap",
}  # fmt: skip


def test_every_metric_module_is_registered():
    modules = {m.name for m in pkgutil.iter_modules(analytics.metrics.__path__)} - {"base", "params"}
    found = registry()
    assert SHIPPED <= set(found)
    assert {cls.__module__.rsplit(".", 1)[1] for cls in found.values()} == modules


def test_every_metric_documents_its_formula_and_source():
    for name, cls in registry().items():
        assert issubclass(cls, Metric)
        doc = cls.__doc__ or ""
        assert "Source:" in doc and "=" in doc, f"{name}: docstring needs a formula and a source"
        for param in cls.params:
            assert param.clean(param.default) == param.default, f"{name}.{param.name}: default out of limits"
