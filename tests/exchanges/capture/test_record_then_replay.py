"""`record` writes a capture that `replay` serves: recording a replayed session and replaying the
recording gives the books an independent rebuild of the recording gives."""

import asyncio
import contextlib
import threading
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from exchanges.capture import read_capture
from exchanges.models import Exchange, Instrument
from exchanges.replay.server import ReplayServer
from exchanges.venues import HOST_VENUES
from tests.exchanges.replay.conftest import CAPTURES
from tests.exchanges.replay.reference_books import read_lines, rebuild

# capture -> (venue, {symbol: (base, quote)}): the instruments the recording client streams.
SESSIONS = {
    "binance-spot": (
        "binance",
        {
            "NKNUSDT": ("NKN", "USDT"),
            "BLZETH": ("BLZ", "ETH"),
            "LRCBTC": ("LRC", "BTC"),
            "RUNEEUR": ("RUNE", "EUR"),
        },
    ),
    # USD-M: depth and trades on separate sockets to one host, recorded and replayed as such.
    "binance-usdm": (
        "binance-usdm",
        {s: (s[:-4], "USDT") for s in ("SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT")},
    ),
}


@contextlib.contextmanager
def served_in_background(lines):
    """A replay server on a loop of its own, so the `record` command can run in this thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(ReplayServer(lines).start(), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_record_then_replay(name, tmp_path, replay_books):
    source = CAPTURES / f"{name}.jsonl"
    assert source.exists(), f"capture {source} is missing (tests/fixtures/captures is part of the repository)"
    venue, symbols = SESSIONS[name]
    out = tmp_path / "recorded.jsonl"
    with served_in_background(read_capture(source)) as server:
        endpoints = server.endpoints()[venue]
        Exchange.objects.filter(venue=venue).update(ws_url=endpoints.ws_url, rest_url=endpoints.rest_url)
        Instrument.objects.update(enabled=False)
        exchange = Exchange.objects.get(venue=venue)
        for symbol, (base, quote) in symbols.items():
            Instrument.objects.update_or_create(
                exchange=exchange,
                symbol=symbol,
                defaults={"pair": f"{base}-{quote}", "base": base, "quote": quote, "enabled": True},
            )
        # --duration is the command's own stop; what got recorded in it is what we compare.
        call_command("record", "--out", str(out), "--duration", "2")
    recorded = read_capture(out)
    kinds = {line.t for line in recorded}
    assert {"open", "ws", "http"} <= kinds
    assert {HOST_VENUES.get(urlsplit(line.url).hostname) for line in recorded} == {venue}
    books = replay_books(out)
    assert books
    assert books == rebuild(read_lines(out))
