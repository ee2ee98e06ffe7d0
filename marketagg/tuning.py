"""Garbage-collector settings for the long-running feed processes (`runfeeds`, `serve`).

Every venue message allocates a few dozen short-lived lists and tuples; with CPython's default
first-generation threshold (700 allocations) the collector runs every few messages and walks the
consolidated books' long-lived level objects again and again. The feed process instead freezes
what it holds after start-up (settings, models, instrument lists: never garbage) and collects the
youngest generation every 50,000 allocations. Reference counting still frees everything without
a cycle at once; only cyclic garbage waits longer. Measured by `make bench` (the feed section
applies the same settings).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
OLDER_THRESHOLDS = (20, 10)


def tune_for_feeds() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
