"""A metric turned on, changed or off in the database reaches the running LiveMetrics of the feed
process without a restart (its config watcher), and a metric left as it was keeps its state."""

import time

import pytest

from analytics.live import LiveMetrics
from analytics.models import MetricConfig
from tests.analytics.metric_books import TinyBook

pytestmark = pytest.mark.django_db(transaction=True)
BOOK = TinyBook([("100", "3")], [("101", "1")])


def until(live, predicate, *, now):
    """Compute every 50 ms (as the publisher would) until `predicate(result)` holds."""
    deadline = time.monotonic() + 10
    while True:
        now[0] += 1
        out = live.compute("SOL-USDT", BOOK, now[0])
        if predicate(out):
            return out
        assert time.monotonic() < deadline, f"not applied: {out}"
        time.sleep(0.05)


def test_admin_changes_apply_while_running():
    MetricConfig.objects.create(pair="SOL-USDT", metric="ofi", label="ofi", params={"window": 30})
    live = LiveMetrics.from_database(store_bars=False, reload_every=0.1)
    now = [0.0]
    try:
        assert live.compute("SOL-USDT", BOOK, 0.0) == {"ofi": 0.0}
        ofi_state = live._running["SOL-USDT"][0].state

        MetricConfig.objects.create(pair="SOL-USDT", metric="imbalance", label="top1", params={"levels": 1})
        out = until(live, lambda o: "top1" in o, now=now)
        assert out["top1"] == pytest.approx((3 - 1) / 4)
        assert live._running["SOL-USDT"][0].state is ofi_state  # unchanged: its state goes on

        MetricConfig.objects.filter(label="top1").update(metric="mid", params={})
        assert until(live, lambda o: o.get("top1") == 100.5, now=now)

        MetricConfig.objects.filter(label="top1").update(enabled=False)
        assert until(live, lambda o: "top1" not in o, now=now) == {"ofi": 0.0}
    finally:
        live.close()
