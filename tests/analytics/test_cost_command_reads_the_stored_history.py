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


@pytest.mark.django_db(transaction=True)
def test_a_member_quiet_past_its_staleness_limit_is_out_and_every_answer_gives_its_data_time(
    tmp_path, seeded
):
    import time
    from datetime import timedelta

    from django.db.models import Max

    from books.models import BookDelta, BookSnapshot
    from exchanges.models import Instrument

    lines = recorded_four_venues(tmp_path)
    books_file(tmp_path, lines, "--store")
    deribit = Instrument.objects.get(exchange__venue="deribit", symbol="BTC-PERPETUAL")
    Instrument.objects.filter(pk=deribit.pk).update(stale_after=0.5)
    last = max(
        BookDelta.objects.filter(instrument=deribit).aggregate(t=Max("time"))["t"],
        BookSnapshot.objects.filter(instrument=deribit).aggregate(t=Max("time"))["t"],
    )
    at = last + timedelta(seconds=0.6)  # Deribit quiet longer than its 0.5 s limit, the others not
    while datetime.now(UTC) < at:  # `--at` refuses the future: wait for the clock to reach it
        time.sleep(0.05)
    answer = run_at("BTC-USDT", "buy", "0.5", "base", at.isoformat())
    assert "deribit:BTC-PERPETUAL" not in answer["venues_in"] and len(answer["venues_in"]) == 3
    assert "deribit:BTC-PERPETUAL" in answer["venues_out"]
    assert set(answer["data_times"]) >= set(answer["venues_in"]) | {"deribit:BTC-PERPETUAL"}
    assert answer["data_times"]["deribit:BTC-PERPETUAL"] == last.isoformat()
    assert all("deribit" not in key for key in answer["allocations"])
