"""Every series the Grafana dashboard and the Prometheus alert rules name is served on /metrics
of a running `serve` (feed counters, writer, web)."""

import json
import re
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"
SERIES = re.compile(r"\bmarketagg_[a-z0-9_]+\b")


def _served(text: str) -> set[str]:
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            names.add(name)
            suffixes = {
                "counter": ["_total"],
                "histogram": ["_bucket", "_sum", "_count"],
                "summary": ["_sum", "_count"],
            }
            names.update(name + s for s in suffixes.get(kind, []))
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    assert dashboard["panels"], "the dashboard has panels"
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def _alert_exprs() -> list[str]:
    rules = yaml.safe_load((DOCS / "prometheus-alerts.yml").read_text())
    exprs = []
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["alert"] and rule["expr"] and rule["annotations"]["summary"]
            exprs.append(str(rule["expr"]))
    return exprs


def test_every_named_series_is_served(server):
    served = _served(server.text("/metrics"))
    exprs = _dashboard_exprs() + _alert_exprs()
    named = {name for expr in exprs for name in SERIES.findall(expr)}
    assert {
        "marketagg_feed_messages_total",
        "marketagg_book_age_seconds",
        "marketagg_writer_queue_rows",
        "marketagg_event_to_browser_seconds_bucket",
        "marketagg_ws_clients",
    } <= named
    missing = sorted(named - served)
    assert not missing, f"named in docs/ but not on /metrics: {missing}"
    alerts = {
        r["alert"]
        for g in yaml.safe_load((DOCS / "prometheus-alerts.yml").read_text())["groups"]
        for r in g["rules"]
    }
    assert {"MarketaggBookStale", "MarketaggVenueDown", "MarketaggWriterQueueGrowing"} <= alerts
