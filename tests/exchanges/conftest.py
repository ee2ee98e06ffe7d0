import asyncio
import contextlib

import pytest

from exchanges.connectors import FeedOptions
from exchanges.supervisor import FeedSupervisor
from exchanges.types import Endpoints, InstrumentSpec, StateEvent
from tests.exchanges.connectors.scripted_venue import ScriptedVenue


class RecordingSink:
    """A real sink that keeps what it is told: what users downstream of the feeds would get."""

    def __init__(self) -> None:
        self.changes: list[tuple] = []
        self.trades: list = []
        self.states: list[StateEvent] = []

    def book_changed(self, spec, book, *, ts, bids, asks, snapshot) -> None:
        self.changes.append((spec.key, ts, list(bids), list(asks), snapshot, book.sequence))

    def trade(self, spec, trade) -> None:
        self.trades.append(trade)

    def state_changed(self, event) -> None:
        self.states.append(event)


@pytest.fixture
async def venue():
    v = await ScriptedVenue().start()
    yield v
    await v.stop()


@pytest.fixture
async def run_feeds():
    """Start a real FeedSupervisor against a venue server; stopped when the test ends."""
    running: list[tuple[FeedSupervisor, asyncio.Task]] = []

    async def start(
        server, venue_id: str, symbols: list[str], *, sink=None, depth=1000, stale_after=30.0, **options
    ):
        ws_url = server.ws_url + ("/ws/api/v2" if venue_id == "deribit" else "")
        specs = [
            InstrumentSpec(venue=venue_id, symbol=s, depth=depth, stale_after=stale_after) for s in symbols
        ]
        options.setdefault("watchdog", False)
        options.setdefault("planned_reconnect", False)
        options.setdefault("backoff_base", 0.05)
        options.setdefault("backoff_cap", 0.2)
        sup = FeedSupervisor(
            specs=specs,
            endpoints={venue_id: Endpoints(ws_url=ws_url, rest_url=server.rest_url)},
            sink=sink if sink is not None else RecordingSink(),
            options=FeedOptions(**options),
        )
        running.append((sup, asyncio.create_task(sup.run())))
        return sup

    yield start
    for sup, task in running:
        await sup.stop()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(task, 5)


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()
