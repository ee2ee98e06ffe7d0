"""`simulate_exchanges` runs with the feed process's garbage-collector settings once its books are
built (marketagg/tuning.py): with the interpreter's defaults its full collections stalled it for
tens of milliseconds every few seconds between stamping frames and sending them, which the latency
bench counted as marketagg's latency."""

import asyncio
import gc
import io
import sys

from exchanges.management.commands.simulate_exchanges import Command
from exchanges.simulator import FaultSpec
from exchanges.simulator.catalog import instruments
from marketagg.tuning import OLDER_THRESHOLDS, YOUNG_THRESHOLD


async def test_the_serving_simulator_has_the_feed_collector_settings():
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(700, 10, 10)  # the interpreter's defaults, whatever ran before
    out = io.StringIO()
    command = Command(stdout=out)
    options = {"seed": "0", "rate": 10.0, "host": "127.0.0.1", "port": 0}
    task = asyncio.create_task(command.serve(options, FaultSpec.parse("none"), instruments(None)))
    try:
        for _ in range(500):  # until the banner is out, or the task ended (a failure below)
            if "exchange simulator on" in out.getvalue() or task.done():
                break
            await asyncio.sleep(0.01)
        assert "exchange simulator on" in out.getvalue(), out.getvalue()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
        assert gc.get_freeze_count() > 0  # what the simulator built is out of every collection
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)
    assert "exchange simulator stopped" in out.getvalue()
