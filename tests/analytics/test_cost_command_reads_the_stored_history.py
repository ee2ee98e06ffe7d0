"""`manage.py cost --at TIME` rebuilds each venue's stored book (book_at), merges them like the live
consolidated book, and answers as `--books-file` does on the books the same replay built."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.analytics.cost_captures import books_file, cost, recorded_four_venues


def run_at(pair: str, side: str, size: str, unit: str, at: str) -> dict:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("cost", pair, side, size, "--unit", unit, "--at", at, "--json", "--no-fees", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_stored_history_after_the_replay_equals_the_final_books(tmp_path, seeded):
    lines = recorded_four_venues(tmp_path)
    path, document = books_file(tmp_path, lines, "--store")
    # Every stored change happened before now (the recording and its replay are over).
    at = datetime.now(UTC).isoformat()
    for side, size, unit in [("buy", "0.75", "base"), ("sell", "3", "base"), ("buy", "150000", "quote")]:
        stored = run_at("BTC-USDT", side, size, unit, at)
        final = cost(path, "BTC-USDT", side, size, unit)
        assert len(stored["venues_in"]) == 4
        for key in ("filled_base", "quote_amount", "average_price", "worst_price", "mid", "allocations"):
            assert stored[key] == final[key], (side, size, unit, key)
        assert stored["best_single_venue"] == final["best_single_venue"]
