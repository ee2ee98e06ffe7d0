"""How fast this machine runs plain Python right now: the seconds of a fixed loop (10 million
integer additions), timed before each `make bench` section and kept with its figures.

Machines of one kind differ (a later session's machine ran this loop in 0.5 s where an earlier one
took 0.8 to 1.1 s), and one machine slows for minutes when its host is busy. The pace says which
happened: a section whose pace is slower than the run's others measured a slowed machine, not a
slower marketagg.
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
