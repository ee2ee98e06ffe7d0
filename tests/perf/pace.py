"""How fast this machine runs plain Python right now: the seconds of a fixed loop (10 million
integer additions), timed before each `make bench` section and kept with its figures.

Machines of one kind differ (one ran plain Python loops 2 to 2.5 times slower than another), and
one machine slows for minutes when its host is busy (the feed with every sink measured 22,292 and
33,769 msg/s an hour apart on the same code). The pace says which happened: a section whose pace
is slower than the run's others measured a slowed machine, not a slower marketagg.
"""

from __future__ import annotations

import time

ADDITIONS = 10_000_000


def reference_seconds(additions: int = ADDITIONS) -> float:
    """Seconds for `additions` integer additions in a Python loop (lower is faster)."""
    total = 0
    started = time.perf_counter()
    for i in range(additions):
        total += i
    elapsed = time.perf_counter() - started
    if total != additions * (additions - 1) // 2:  # the loop did its work; nothing skipped it
        raise RuntimeError("reference loop miscounted")
    return elapsed
