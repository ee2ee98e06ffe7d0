"""`manage.py cost` says what is wrong and exits non-zero: a bad side, size or unit, a pair with no
entry in the books file, a damaged file, an unknown pair or one not published yet; and it answers
from the live store the feed process publishes to."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.analytics.cost_books import consolidated

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def book_file(tmp_path) -> Path:
    _, book = consolidated()
    path = tmp_path / "books.json"
    path.write_text(json.dumps({"consolidated:BTC-USDT": book.to_json()}))
    return path


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("cost", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("BTC-USDT", "long", "1"), "bad side: must be buy or sell"),
        (("BTC-USDT", "buy", "0"), "bad size: must be greater than 0"),
        (("BTC-USDT", "buy", "ten"), "bad size: must be a number"),
        (("BTC-USDT", "buy", "1", "--unit", "usd"), "bad unit: must be base or quote"),
        (("ETH-USDT", "buy", "1"), "has no consolidated:ETH-USDT entry; consolidated pairs in it: BTC-USDT"),
        (("BTC-USDT", "buy", "1", "--fee", "binance"), "--fee takes VENUE=FRACTION"),
        (("BTC-USDT", "buy", "1", "--fee", "binance=1.5"), "--fee takes VENUE=FRACTION"),
        (("BTC-USDT", "buy", "1", "--at", "yesterday"), "--at must be an ISO 8601 time"),
        (("BTC-USDT", "buy", "1", "--at", "2999-01-01T00:00:00Z"), "is in the future"),
    ],
)
def test_bad_input_is_refused_with_the_reason(book_file, args, message):
    source = () if "--at" in args else ("--books-file", str(book_file))
    with pytest.raises(CommandError, match=message.replace("[", r"\[")):
        run(*args, *source)


def test_damaged_or_missing_books_file(tmp_path, book_file):
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"consolidated:BTC-USDT": {"bids": [["100", "x", {}]], "asks": []}}')
    with pytest.raises(CommandError, match=r"bids\[0\]: not a number"):
        run("BTC-USDT", "buy", "1", "--books-file", str(damaged))
    damaged.write_text('{"consolidated:BTC-USDT": {"bids": [["99", "1", {}], ["100", "1", {}]], "asks": []}}')
    with pytest.raises(CommandError, match="best first"):
        run("BTC-USDT", "sell", "1", "--books-file", str(damaged))
    damaged.write_text("{not json")
    with pytest.raises(CommandError, match="is not JSON"):
        run("BTC-USDT", "buy", "1", "--books-file", str(damaged))
    with pytest.raises(CommandError, match="cannot read books file"):
        run("BTC-USDT", "buy", "1", "--books-file", str(tmp_path / "nowhere.json"))


def test_exit_status_is_non_zero_and_the_table_reads_well(tmp_path, book_file):
    env = {**os.environ, "MARKETAGG_VAR_DIR": str(tmp_path)}
    base = [sys.executable, "manage.py", "cost", "BTC-USDT"]
    bad = subprocess.run(
        [*base, "hold", "1", "--books-file", str(book_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "bad side" in bad.stderr
    good = subprocess.run(
        [*base, "buy", "0.5", "--books-file", str(book_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stderr
    assert "average price   50432" in good.stdout
    assert "best single venue: binance:BTCUSDT at 50480; routing saves 24 quote" in good.stdout
    fee = run("BTC-USDT", "buy", "0.35", "--books-file", str(book_file), "--fee", "binance=0.001", "--json")
    assert json.loads(fee)["quote_amount"] == "17551" and json.loads(fee)["fees_applied"] is True


@pytest.mark.django_db(transaction=True)
def test_live_book_unknown_pair_and_not_yet_published(seeded, settings, redis_url):
    from books.live import build_payload, live_store

    settings.REDIS_URL = redis_url
    store = live_store()
    store._redis.delete("marketagg:live:BTC-USDT")
    with pytest.raises(CommandError, match="unknown pair 'DOGE-EUR'; known pairs: .*BTC-USDT"):
        run("DOGE-EUR", "buy", "1")
    with pytest.raises(CommandError, match="no live book for BTC-USDT"):
        run("BTC-USDT", "buy", "1")
    _, book = consolidated()
    store.put("BTC-USDT", build_payload(book=book, now=1795000000.0))
    try:
        answer = json.loads(run("BTC-USDT", "buy", "0.5", "--json"))
    finally:
        store._redis.delete("marketagg:live:BTC-USDT", "marketagg:live:pairs")
    assert (answer["average_price"], answer["saving_quote"]) == ("50432", "24")


def test_live_mode_without_redis_says_where_the_live_book_is(seeded, settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL") as caught:
        call_command("cost", "BTC-USDT", "buy", "1")
    assert "/api/cost/BTC-USDT" in str(caught.value) and "--books-file" in str(caught.value)
