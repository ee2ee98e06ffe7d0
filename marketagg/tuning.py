"""Interpreter settings for the long-running processes: the feed processes (`runfeeds`, `serve`)
and the web process (applied when `marketagg.asgi` is imported, so also in a process that imports
it to test the application in place).

1. The garbage collector. Every venue message allocates a few dozen short-lived lists and tuples;
   with CPython's default first-generation threshold (700 allocations) the collector runs every
   few messages and walks the consolidated books' long-lived objects again and again. The feed
   process instead freezes what it holds after start-up (settings, models, instrument lists: never
   garbage) and collects the youngest generation every 50,000 allocations. Reference counting
   still frees everything without a cycle at once; only cyclic garbage waits longer.
2. The GIL switch interval. The tick writer's thread encodes rows for the database while the event
   loop waits for the GIL; the default 5 ms switch interval can hold a venue frame or a browser
   update that long. 1 ms keeps the loop's waits short at a small cost in switching.

Measured by `make bench`: the feed section applies the same settings (`tune_feed_process`), and
the latency section runs `serve`, which applies them.

The exchange simulator (`simulate_exchanges`) applies them too once its books are built. With the
defaults its full collections paused it for about 65 ms every 3 s at 5,000 messages a second,
between stamping frames and sending them: the latency bench counted those stalls of the stand-in
venue as marketagg's (split p99 47 to 78 ms, feed stage p99 37 to 70 ms; with the settings 21 to
28 ms and 4 to 8 ms).
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 50_000
OLDER_THRESHOLDS = (20, 10)
SWITCH_INTERVAL = 0.001


def tune_feed_process() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL)
