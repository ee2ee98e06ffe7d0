"""`/api/bars/<pair>`: a metric's stored bars (analytics' `bars_in_range`) over a bounded range."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone

from marketagg.api import params, selectors
from marketagg.api.views import api_view

INTERVALS = {"1s": timedelta(seconds=1), "1m": timedelta(minutes=1)}
BARS_MAX = 5000
METRIC_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _known_metrics(pair: str) -> set[str]:
    """What bars can be stored under for a pair: its configs' labels and every registered metric
    (a bar's name is a label, or a label and the key of one of its values: spread.bps)."""
    from analytics.metrics import registry
    from analytics.models import MetricConfig

    labels = set(MetricConfig.objects.filter(pair=pair).values_list("label", flat=True))
    return labels | set(registry())


@api_view
def bars(request, pair: selectors.PairInfo):
    q = request.GET
    params.known_only(q, ("metric", "interval", "start", "end"))
    metric = q.get("metric") or ""
    if not metric:
        raise params.BadParam(
            "metric", "required (a metric name as in the live payload's metrics, e.g. spread.bps)"
        )
    if not METRIC_NAME.match(metric):
        raise params.BadParam("metric", f"{metric!r:.40} is not a metric name")
    known = _known_metrics(pair.pair)
    if metric.split(".", 1)[0] not in known:
        raise params.BadParam(
            "metric",
            f"{metric!r:.40} is not a metric of {pair.pair}; known: {', '.join(sorted(known)) or 'none'}",
        )
    interval = params.choice(q, "interval", options=list(INTERVALS), default="1m")
    step = INTERVALS[interval]
    end = params.moment(q, "end", default=timezone.now())
    start = params.moment(q, "start", default=end - step * 60)
    if start >= end:
        raise params.BadParam("start", "must be before end")
    if (end - start) / step > BARS_MAX:
        raise params.BadParam("start", f"the range holds more than {BARS_MAX} {interval} bars; narrow it")
    from analytics.selectors import bars_in_range

    rows = bars_in_range(pair=pair.pair, metric=metric, interval=interval, start=start, end=end).values(
        "time", "open", "high", "low", "close", "mean", "count"
    )
    return JsonResponse(
        {
            "pair": pair.pair,
            "metric": metric,
            "interval": interval,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "bars": [_bar(row) for row in rows],
        }
    )


def _bar(row) -> dict:
    """A bar as JSON, whether the selector gives dicts or model rows: times ISO, numbers plain."""
    fields = row if isinstance(row, dict) else {k: v for k, v in vars(row).items() if not k.startswith("_")}
    out = {}
    for key, value in fields.items():
        if key in ("id", "pk"):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value, "f")
        out[key] = value
    return out
