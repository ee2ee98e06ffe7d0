"""Instructions a feed message costs, counted by valgrind's callgrind: a before/after measure that
holds on a noisy machine, where wall-clock runs of the same code differ by 10 to 20%.

    .venv/bin/python -m tests.perf.feed_instructions [MESSAGES]    # default 2,000; needs valgrind

It runs this module twice under callgrind, once feeding no message and once MESSAGES messages of
tests/perf/churn_stream.py through the real `BinanceConnector.handle_frame` with the feed's
event-loop sinks (status board, consolidated books, tick recorder; the recorder's writer thread is
not started, so what is counted is the event loop's work), and prints the difference per message.
Both runs set up the same books and warm the same caches first. Not part of `make bench` (each
run takes minutes under valgrind).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile

WARM = 400  # messages applied in both runs before counting starts to matter


def feed(messages: int, total: int) -> None:
    """Set up 20 live books with the feed's sinks, then apply WARM + `messages` frames of a stream
    of WARM + `total` (the same stream in both runs, so its making counts the same)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    import gc

    from books.consolidated import ConsolidatedBooks
    from books.recorder import TickRecorder
    from books.writer import TickWriter
    from exchanges.status import StatusBoard
    from exchanges.types import FanoutSink
    from tests.perf.bench_churn import _specs, live_connector
    from tests.perf.churn_stream import generate

    stream = generate(WARM + total)
    specs = [dataclasses.replace(s, id=i + 1) for i, s in enumerate(_specs(stream))]
    with tempfile.TemporaryDirectory() as spill:
        writer = TickWriter(queue_size=10**8, spill_dir=spill)  # never started: rows stay queued
        recorder = TickRecorder(writer=writer, snapshot_interval=1e9)
        sink = FanoutSink(StatusBoard(layer=None), ConsolidatedBooks(specs), recorder)
        connector, session = live_connector(stream, specs, sink)
        gc.disable()  # the collector's timing would differ between the two runs
        handle = connector.handle_frame
        for raw in stream.frames[: WARM + messages]:
            handle(session, raw)
        assert connector.stats.gaps == 0 and connector.stats.malformed == 0, connector.stats.as_dict()


def _instructions(messages: int, total: int) -> int:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/callgrind.out",
                sys.executable,
                "-m",
                "tests.perf.feed_instructions",
                "--inside",
                str(messages),
                str(total),
            ],
            capture_output=True,
            text=True,
            check=True,
            # str hashes are salted per process: dict and set probing, so the count, would differ
            # from run to run. Both runs use the same salt.
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from callgrind: {done.stderr[-500:]}")
    return int(found[1])


def main() -> None:
    if sys.argv[1:2] == ["--inside"]:
        feed(int(sys.argv[2]), int(sys.argv[3]))
        return
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    base, loaded = _instructions(0, messages), _instructions(messages, messages)
    print(f"{(loaded - base) / messages:,.0f} instructions a message ({messages:,} messages)")


if __name__ == "__main__":
    main()
