"""ensure_instruments gives replayed instruments database rows (disabled) and their specs ids."""

from __future__ import annotations

import pytest

from books.services import ensure_instruments
from exchanges.models import Instrument
from exchanges.types import InstrumentSpec

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def test_missing_instruments_are_created_disabled_and_known_ones_reused(instrument):
    specs = [
        InstrumentSpec(venue="binance", symbol=instrument.symbol, pair=instrument.pair),
        InstrumentSpec(venue="deribit", symbol="BTC-24SEP21-40000-C", kind="option"),
        InstrumentSpec(venue="binance", symbol="RUNEEUR", pair="RUNE-EUR", id=None, depth=500),
        InstrumentSpec(venue="binance", symbol="KEEP", id=12345),
    ]
    out = ensure_instruments(specs=specs)
    assert [s.symbol for s in out] == [s.symbol for s in specs]
    assert out[0].id == instrument.id
    assert out[3].id == 12345, "a spec that has an id keeps it"
    option = Instrument.objects.get(pk=out[1].id)
    assert (option.exchange.venue, option.symbol, option.kind, option.enabled) == (
        "deribit",
        "BTC-24SEP21-40000-C",
        "option",
        False,
    )
    rune = Instrument.objects.get(pk=out[2].id)
    assert (rune.pair, rune.base, rune.quote, rune.depth) == ("RUNE-EUR", "RUNE", "EUR", 500)
    assert ensure_instruments(specs=specs)[1].id == out[1].id, "a second call creates nothing new"
