"""Realised volatility of the consolidated mid."""

from __future__ import annotations

import math
from collections import deque

from analytics.metrics.base import Metric, mid_of
from analytics.metrics.params import Param


class RealizedVolatility(Metric):
    """Realised volatility of the mid over the last `window` seconds, sampled every `sample` seconds.

    RV = sqrt(sum_i r_i^2), r_i = ln(m_i / m_i-1) over consecutive mid samples m taken at least
    `sample` seconds apart, both inside the window (not annualised: the window's own volatility).
    None with fewer than two samples. Source: Andersen, Bollerslev, Diebold and Labys, "The
    distribution of realized exchange rate volatility", JASA 96, 2001 (realised variance).
    """

    name = "realized_vol"
    params = (
        Param(
            "window", "float", 300.0, help="look-back", unit="seconds", min=0, max=86_400, min_exclusive=True
        ),
        Param(
            "sample",
            "float",
            1.0,
            help="time between mid samples",
            unit="seconds",
            min=0,
            max=3_600,
            min_exclusive=True,
        ),
    )
    stateful = True

    def compute(self, book, trades=None, state=None, *, now=None):
        state = {} if state is None else state
        now = book.updated_at if now is None else now
        samples: deque = state.setdefault("samples", deque())
        mid = mid_of(book)
        if mid is not None and mid > 0 and (not samples or now - samples[-1][0] >= self.params["sample"]):
            samples.append((now, mid))
        start = now - self.params["window"]
        while samples and samples[0][0] < start:
            samples.popleft()
        if len(samples) < 2:
            return None
        mids = [m for _, m in samples]
        return math.sqrt(sum(math.log(b / a) ** 2 for a, b in zip(mids, mids[1:], strict=False)))
