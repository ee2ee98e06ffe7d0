"""End to end: `replay --store` records a real capture through the live feed path (connectors,
TickRecorder, TickWriter); `book_at` after the last tick rebuilds every final book exactly as the
replay itself wrote it (the captures README's books file)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from exchanges.models import Instrument

pytestmark = [pytest.mark.backends, pytest.mark.django_db(transaction=True)]
CAPTURE = Path(__file__).resolve().parents[1] / "fixtures" / "captures" / "binance-spot.jsonl"


def test_stored_ticks_rebuild_the_replayed_books(tmp_path, settings):
    if not CAPTURE.exists():
        pytest.fail(f"capture missing: {CAPTURE}")
    settings.MARKETAGG = {**settings.MARKETAGG, "WRITER_SPILL_DIR": str(tmp_path / "spill")}
    books_out = tmp_path / "books.json"
    call_command("replay", str(CAPTURE), "--store", "--books-out", str(books_out), stdout=io.StringIO())
    # Venue books only: the consolidated:<PAIR> entries are no stored instrument's book.
    final = {k: v for k, v in json.loads(books_out.read_text()).items() if not k.startswith("consolidated:")}
    assert final, "the replay built no books"
    for key, want in final.items():
        venue, symbol = key.split(":", 1)
        assert Instrument.objects.filter(exchange__venue=venue, symbol=symbol).exists()
        out = io.StringIO()
        # book_at refuses the future: "now" is after every tick of the capture.
        call_command(
            "book_at", venue, symbol, datetime.now(UTC).isoformat(), stdout=out, stderr=io.StringIO()
        )
        assert json.loads(out.getvalue()) == {key: want}, f"{key} differs from the replayed book"
