"""`replay --store` runs the live feed's storage path: the capture's instruments get database
rows and the recorder is closed (flushed) at the end."""

import pytest
from django.core.management import call_command

from exchanges.models import Instrument
from tests.exchanges.replay.conftest import CAPTURES


@pytest.mark.django_db(transaction=True)
def test_replay_store_records_ticks():
    path = CAPTURES / "binance-spot.jsonl"
    assert path.exists(), f"capture {path} is missing (tests/fixtures/captures is part of the repository)"
    call_command("replay", str(path), "--store", "--quiet")
    from books.models import BookDelta, BookSnapshot

    rows = Instrument.objects.filter(
        exchange__venue="binance", symbol__in=["NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR"]
    )
    ids = set(rows.values_list("id", flat=True))
    assert len(ids) == 4
    # Every book built got its (re)sync snapshot stored, and the diffs after it went in as deltas.
    assert (
        set(BookSnapshot.objects.filter(instrument_id__in=ids).values_list("instrument_id", flat=True)) == ids
    )
    # One row per diff that changed the book, its levels readable as exact decimals.
    changes = list(BookDelta.objects.filter(instrument_id__in=ids))
    assert changes and all(change.levels() for change in changes)
