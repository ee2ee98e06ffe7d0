"""Live metrics: the enabled metrics of a pair, computed on its consolidated book.

The feed process's publisher (books.live.LivePublisher) calls `compute(pair, book, now)` when it
publishes a pair (at most PUBLISH_HZ a second) and puts the result in the payload's "metrics";
`trade(pair, spec, trade)` (a ConsolidatedBooks trade listener) keeps each pair's recent trades in
base units for the trade metrics. The publisher paces the calls; as a guard, a pair is computed at
most METRICS_HZ times a second (default 20, above PUBLISH_HZ so the publisher's calls always pass)
and never twice for the same book version: in between, the last result is returned.
Results feed 1-second metric bars (analytics.bars) stored through the tick writer.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from analytics.bars import SecondBars
from analytics.metrics import Metric, ParamError, TradeRecord, get_metric
from analytics.metrics.base import BookView
from books.conversion import ConversionError, converter_for

log = logging.getLogger("analytics.live")
TRADE_KEEP = 100_000  # most trades kept per pair, whatever the windows


@dataclass
class ConfigSpec:
    """One enabled MetricConfig, as the feed process uses it."""

    pair: str
    key: str  # the result's name (MetricConfig.label, default the metric name)
    metric: str
    params: dict = field(default_factory=dict)


@dataclass
class _Running:
    spec: ConfigSpec
    metric: Metric
    state: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.spec.key


def load_configs() -> dict[str, list[ConfigSpec]]:
    """Enabled MetricConfig rows per pair (database read: call it off the event loop)."""
    from analytics.models import MetricConfig

    out: dict[str, list[ConfigSpec]] = {}
    for row in MetricConfig.objects.filter(enabled=True).order_by("pair", "label"):
        out.setdefault(row.pair, []).append(ConfigSpec(row.pair, row.key, row.metric, dict(row.params or {})))
    return out


def jsonable(value):
    """Floats, strings, None and dicts of them; a non-finite float becomes None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    return float(value)


class LiveMetrics:
    def __init__(
        self,
        configs: dict[str, list[ConfigSpec]] | Iterable[ConfigSpec],
        *,
        hz: float | None = None,
        bars: SecondBars | None = None,
        writer=None,
        clock=time.monotonic,
    ) -> None:
        """`configs`: per pair (load_configs()) or a flat list. A config a metric refuses (saved before
        a limit changed) is logged and left out, never stopping the others. `writer`: a started
        TickWriter the 1 s bars go to (its `stop` is called by `close`)."""
        if not isinstance(configs, dict):
            grouped: dict[str, list[ConfigSpec]] = {}
            for spec in configs:
                grouped.setdefault(spec.pair, []).append(spec)
            configs = grouped
        self.hz = float(hz if hz is not None else settings.MARKETAGG["METRICS_HZ"])
        if not self.hz > 0:
            raise ValueError(f"METRICS_HZ must be positive, not {self.hz}")
        self.clock = clock
        self.writer = writer
        if bars is None and writer is not None:
            bars = SecondBars(self._submit_bar)
        self.bars = bars
        self.refused: list[str] = []
        self._running: dict[str, list[_Running]] = {}
        self._trade_window: dict[str, float] = {}
        self._trades: dict[str, deque[TradeRecord]] = {}
        self._converters: dict[str, object] = {}
        # pair -> (clock, book version, membership version, result) of the last computation
        self._last: dict[str, tuple[float, int | None, int | None, dict]] = {}
        self.computed = 0
        self.failures = 0
        self._pending: dict[str, list[ConfigSpec]] | None = None
        self._loaded = configs
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.refresh(configs)

    def refresh(self, configs: dict[str, list[ConfigSpec]]) -> None:
        """Run these configs from now on (on the event loop). A config unchanged keeps its state
        (OFI's last quotes, the volatility's samples); a changed or new one starts afresh."""
        old = {run.spec.pair + "\0" + run.spec.key: run for runs in self._running.values() for run in runs}
        running: dict[str, list[_Running]] = {}
        windows: dict[str, float] = {}
        refused = []
        for pair, specs in configs.items():
            for spec in specs:
                run = old.get(pair + "\0" + spec.key)
                if run is None or run.spec != spec:
                    try:
                        run = _Running(spec, get_metric(spec.metric)(**(spec.params or {})))
                    except ParamError as exc:
                        refused.append(f"{pair} {spec.key}: {exc}")
                        log.error("metric config left out: %s %s: %s", pair, spec.key, exc)
                        continue
                running.setdefault(pair, []).append(run)
                window = run.metric.params.get("window") if run.metric.needs_trades else None
                if window:
                    windows[pair] = max(windows.get(pair, 0.0), float(window))
        self._running, self._trade_window, self.refused = running, windows, refused
        self._last.clear()  # the next compute shows the change at once

    def watch(self, *, every: float) -> LiveMetrics:
        """Re-read the enabled MetricConfig rows every `every` seconds in a thread of its own (an
        admin's change applies without a restart); the change is taken up by the next compute."""
        if self._watcher is None:
            self._watcher = threading.Thread(
                target=self._watch, args=(every,), name="metric-configs", daemon=True
            )
            self._watcher.start()
        return self

    def _watch(self, every: float) -> None:
        from django.db import connections

        try:
            while not self._stop.wait(every):
                try:
                    configs = load_configs()
                except Exception:  # the database away: keep running what we have
                    log.warning("metric configs could not be read; keeping the running ones", exc_info=True)
                    connections.close_all()
                    continue
                if configs != self._loaded:
                    self._loaded = configs
                    self._pending = configs  # one reference swap: the loop picks it up
        finally:
            connections.close_all()  # this thread's connection, never left open

    @classmethod
    def from_database(
        cls, *, store_bars: bool | None = None, reload_every: float | None = None, **kwargs
    ) -> LiveMetrics:
        """Built from the enabled MetricConfig rows; with a started writer of metric bars when
        `store_bars` (default: MARKETAGG STORE_METRIC_BARS and STORE_TICKS). Database work: call it
        off the event loop."""
        conf = settings.MARKETAGG
        if store_bars is None:
            store_bars = bool(conf["STORE_METRIC_BARS"] and conf["STORE_TICKS"])
        writer = None
        if store_bars:
            from books.writer import TickWriter

            writer = TickWriter(name="metricbars").start()
        live = cls(load_configs(), writer=writer, **kwargs)
        reload_every = float(conf["METRICS_RELOAD"] if reload_every is None else reload_every)
        return live.watch(every=reload_every) if reload_every > 0 else live

    def pairs(self) -> list[str]:
        return sorted(self._running)

    def compute(self, pair: str, book, now: float) -> dict[str, object]:
        pending = self._pending
        if pending is not None:
            self._pending = None
            self.refresh(pending)
        running = self._running.get(pair)
        if not running:
            return {}
        version = getattr(book, "version", None)
        members = getattr(book, "membership_version", None)
        last = self._last.get(pair)
        if last is not None:
            if version is not None and version == last[1]:
                return last[3]  # the book has not changed: neither have its metrics
            # A caller faster than METRICS_HZ gets the last result, unless a venue joined or left
            # (the publisher sends those at once: their metrics must be the new book's).
            if members == last[2] and self.clock() - last[0] < 1.0 / self.hz:
                return last[3]
        started = self.clock()
        trades = self._recent_trades(pair, now)
        view = BookView(book)  # one walk of each side shared by the pair's metrics
        out: dict[str, object] = {}
        for run in running:
            try:
                value = run.metric.compute(view, trades, run.state, now=now)
            except Exception:  # one metric's bug must not cost the others
                self.failures += 1
                log.exception("metric failed", extra={"pair": pair, "metric": run.key})
                value = None
            out[run.key] = jsonable(value)
        self.computed += 1
        self._last[pair] = (started, version, members, out)
        if self.bars is not None:
            self.bars.add(pair, out, now)
        return out

    def trade(self, pair: str, spec, trade) -> None:
        """A trade of one of the pair's instruments, kept in base units while a window needs it."""
        window = self._trade_window.get(pair)
        if window is None:
            return
        converter = self._converters.get(spec.key)
        if converter is None:
            try:
                converter = self._converters[spec.key] = converter_for(spec)
            except ConversionError:
                return
        qty = converter.to_base(trade.qty, trade.price)
        side = "buy" if trade.side in ("buy", "b") else "sell"
        kept = self._trades.setdefault(pair, deque(maxlen=TRADE_KEEP))
        kept.append(TradeRecord(trade.ts, float(trade.price), float(qty), side, spec.key))
        start = trade.ts - window
        while kept and kept[0].ts <= start:
            kept.popleft()

    def _recent_trades(self, pair: str, now: float) -> list[TradeRecord] | None:
        kept = self._trades.get(pair)
        if not kept:
            return None
        start = now - self._trade_window[pair]
        while kept and kept[0].ts <= start:
            kept.popleft()
        return list(kept)

    # ---- stored bars -----------------------------------------------------------------------------
    def _submit_bar(self, row: tuple) -> None:
        try:
            self.writer.submit("metricbar", row, check=True)
        except Exception as exc:  # a row the writer refuses is counted there; say it here once a while
            log.warning("metric bar refused: %s", exc)

    def close(self, timeout: float = 10.0) -> bool:
        """Stop watching the configs, emit the open bars and stop the writer (blocking: call it off
        the event loop)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout)
            self._watcher = None
        if self.bars is not None:
            self.bars.flush()
        if self.writer is not None:
            return self.writer.stop(timeout)
        return True


__all__ = ["ConfigSpec", "LiveMetrics", "jsonable", "load_configs"]
