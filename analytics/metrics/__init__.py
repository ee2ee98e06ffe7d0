"""The metric registry: every module of this package that defines a Metric subclass is a metric.

A new metric is one new module here (and its test); nothing else lists it. Modules are imported
once, on first use of the registry, with pkgutil.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from analytics.metrics.base import Metric, TradeRecord
from analytics.metrics.params import Param, ParamError

_SUPPORT = {"base", "params"}  # the framework's own modules, not metrics
_registry: dict[str, type[Metric]] | None = None


def _discover() -> dict[str, type[Metric]]:
    found: dict[str, type[Metric]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in _SUPPORT or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Metric) and cls is not Metric and cls.__module__ == module.__name__:
                if not cls.name:
                    raise RuntimeError(f"{module.__name__}.{cls.__name__} has no name")
                if cls.name in found:
                    raise RuntimeError(f"two metrics are named {cls.name!r}: {found[cls.name]} and {cls}")
                found[cls.name] = cls
    return found


def registry() -> dict[str, type[Metric]]:
    """Metric name -> class, for every metric module of this package."""
    global _registry
    if _registry is None:
        _registry = _discover()
    return _registry


def get_metric(name: str) -> type[Metric]:
    """The metric class called `name`; ParamError naming the known ones if there is none."""
    found = registry().get(name)
    if found is None:
        raise ParamError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(registry()))}")
    return found


__all__ = ["Metric", "Param", "ParamError", "TradeRecord", "get_metric", "registry"]
