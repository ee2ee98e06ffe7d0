"""1-second metric bars, aggregated in memory from live metric results and handed to a writer.

Each numeric result becomes a series: a number under its label ("mid"), a dict's numbers under
"<label>.<field>" ("spread.bps", "venue_share.binance:BTCUSDT"); strings, None and non-finite
values are left out. A pair's bar of second s is emitted when its first result of a later second
arrives, when any pair's result arrives two seconds later (a quiet pair), or at flush; a result whose time steps back into a second already emitted (venue clocks
differ slightly) joins the open bar rather than reopening a stored one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

Row = (
    tuple  # (time, pair, metric, interval, open, high, low, close, mean, count): analytics.storage.METRIC_BAR
)


def series(results: dict) -> Iterator[tuple[str, float]]:
    for label, value in results.items():
        if isinstance(value, dict):
            for field, v in value.items():
                if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
                    yield f"{label}.{field}", float(v)
        elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            yield label, float(value)


class SecondBars:
    def __init__(self, sink: Callable[[Row], None]) -> None:
        self.sink = sink
        self._open: dict[str, tuple[int, dict[str, list[float]]]] = {}
        self._swept = -1
        self.emitted = 0

    def add(self, pair: str, results: dict, now: float) -> None:
        second = math.floor(now)
        if second > self._swept:
            # Once a second: a quiet pair's bar goes out too, not only at its next result.
            self._swept = second
            for other, (other_second, _) in list(self._open.items()):
                if other != pair and other_second < second - 1:
                    self._emit(other, self._open[other])
        current = self._open.get(pair)
        if current is not None and second > current[0]:
            self._emit(pair, current)
            current = None
        if current is None:
            current = self._open[pair] = (second, {})
        acc = current[1]
        for name, v in series(results):
            bar = acc.get(name)
            if bar is None:
                acc[name] = [v, v, v, v, v, 1]  # open, high, low, close, sum, count
            else:
                if v > bar[1]:
                    bar[1] = v
                if v < bar[2]:
                    bar[2] = v
                bar[3] = v
                bar[4] += v
                bar[5] += 1

    def flush(self) -> None:
        """Emit every open bar (at stop)."""
        for pair, current in list(self._open.items()):
            self._emit(pair, current)
        self._open.clear()

    def _emit(self, pair: str, current: tuple[int, dict[str, list[float]]]) -> None:
        second, acc = current
        at = datetime.fromtimestamp(second, UTC)
        for name, (o, h, lo, c, total, n) in acc.items():
            self.sink((at, pair, name, "1s", o, h, lo, c, total / n, int(n)))
            self.emitted += 1
        self._open.pop(pair, None)
