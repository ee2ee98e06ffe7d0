"""What `make bench` needs before it can time anything, made in a process of its own while the
memory section samples (which waits out most of its five minutes):

- feed: cryptofeed 2.4.1's environment under bench/ (tests/perf/bench_churn.py);
- replay: the generated million-frame capture under bench/.work (tests/perf/bench_replay.py);
- storage: the query database of ten million trades (tests/perf/storage_seed.py).

Nothing here is timed, and every piece is made again by its own section where it is missing, so
a section run alone (`--only`) or a failed preparation changes no figure, only the run's length.

    python -m tests.perf.prepare feed,replay,storage [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import django

PREPARED = ("feed", "replay", "storage")


def prepare(sections: list[str], *, quick: bool) -> list[str]:
    """Make what the given sections need; returns the sections prepared."""
    done = []
    if "feed" in sections:
        from tests.perf.bench_churn import cryptofeed_python

        cryptofeed_python()
        done.append("feed")
    if "replay" in sections:
        from tests.perf.bench_replay import FULL_FRAMES, QUICK_FRAMES, capture_path, make_capture

        frames = QUICK_FRAMES if quick else FULL_FRAMES
        make_capture(frames, capture_path(frames))
        done.append("replay")
    if "storage" in sections and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from tests.perf import storage_seed

        storage_seed.prepare(storage_seed.QUICK_ROWS if quick else storage_seed.FULL_ROWS)
        done.append("storage")
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sections", help=f"comma-separated, of {PREPARED}")
    parser.add_argument("--quick", action="store_true", help="the smaller inputs of `run --quick`")
    args = parser.parse_args()
    # Background work: the memory section's feed process and simulator come first on the CPU (on a
    # slow machine, at the same priority, the preparation slowed the feed until it fell behind and
    # grew its buffers, and the memory figure with them).
    os.nice(19)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    t0 = time.perf_counter()
    done = prepare([s.strip() for s in args.sections.split(",")], quick=args.quick)
    print(f"[prepare] {', '.join(done) or 'nothing'} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
