"""Order-flow imbalance at the best quotes (Cont, Kukanov and Stoikov, 2014)."""

from __future__ import annotations

from collections import deque

from analytics.metrics.base import Metric
from analytics.metrics.params import Param


def ofi_event(prev: tuple[float, float, float, float], cur: tuple[float, float, float, float]) -> float:
    """e_n of one change of the best quotes, (bid, bid qty, ask, ask qty) before and after."""
    pb0, qb0, pa0, qa0 = prev
    pb, qb, pa, qa = cur
    e = 0.0
    if pb >= pb0:
        e += qb
    if pb <= pb0:
        e -= qb0
    if pa <= pa0:
        e -= qa
    if pa >= pa0:
        e += qa0
    return e


class OrderFlowImbalance(Metric):
    """Order-flow imbalance of the consolidated best quotes over the last `window` seconds.

    OFI = sum of e_n over the changes n in the window, with
    e_n = 1{Pb_n >= Pb_n-1} qb_n - 1{Pb_n <= Pb_n-1} qb_n-1 - 1{Pa_n <= Pa_n-1} qa_n + 1{Pa_n >= Pa_n-1} qa_n-1
    (P the best prices, q their base quantities): positive when bids grow or asks are taken.
    Source: Cont, Kukanov and Stoikov, "The price impact of order book events", Journal of
    Financial Econometrics 12(1), 2014, eq. (2)-(3). Changes are the book states this metric is
    computed on (every publication, at most PUBLISH_HZ a second), so it is the OFI of that sampling.
    """

    name = "ofi"
    params = (
        Param(
            "window", "float", 10.0, help="look-back", unit="seconds", min=0, max=86_400, min_exclusive=True
        ),
    )
    stateful = True

    def compute(self, book, trades=None, state=None, *, now=None):
        state = {} if state is None else state
        now = book.updated_at if now is None else now
        bids, asks = book.levels("bids", 1), book.levels("asks", 1)
        events: deque = state.setdefault("events", deque())
        if bids and asks:
            cur = (float(bids[0][0]), float(bids[0][1]), float(asks[0][0]), float(asks[0][1]))
            prev = state.get("prev")
            if prev is not None and cur != prev:
                events.append((now, ofi_event(prev, cur)))
            state["prev"] = cur
        else:
            state.pop("prev", None)  # an empty side: the next quote starts afresh
        start = now - self.params["window"]
        while events and events[0][0] <= start:
            events.popleft()
        return sum(e for _, e in events)
