"""`sync_instruments --simulator-url URL` loads every venue's list from a running simulator, as
`runfeeds --simulator-url` streams from it, without touching the admin's URL overrides."""

import asyncio
import threading

import pytest
from django.core.management import CommandError, call_command

from exchanges.models import Exchange, ListedSymbol
from exchanges.simulator import Simulator

VENUE_IDS = ["binance", "binance-usdm", "binance-coinm", "deribit"]


@pytest.fixture
def simulator():
    """A real simulator on an ephemeral port, on an event loop of its own thread (the command runs
    its own loop in the test's thread)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    sim = asyncio.run_coroutine_threadsafe(Simulator().start(host="127.0.0.1", port=0), loop).result(20)
    yield sim
    asyncio.run_coroutine_threadsafe(sim.stop(), loop).result(20)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.mark.django_db
def test_simulator_url_loads_every_venues_list(simulator, capsys):
    call_command("sync_instruments", "--simulator-url", f"http://127.0.0.1:{simulator.port}")

    for venue in VENUE_IDS:
        want = {i.symbol for i in simulator.market.instruments.values() if i.venue == venue}
        got = set(ListedSymbol.objects.filter(exchange__venue=venue).values_list("symbol", flat=True))
        assert want and got == want, venue
    assert not Exchange.objects.exclude(rest_url="").exists()  # no override was needed, none was made
    out = capsys.readouterr().out
    assert all(f"{venue}: " in out for venue in VENUE_IDS)


@pytest.mark.django_db
def test_a_simulator_url_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="--simulator-url must look like http://127.0.0.1:8765"):
        call_command("sync_instruments", "--simulator-url", "127.0.0.1:8765")
