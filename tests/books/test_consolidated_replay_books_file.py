"""`manage.py replay CAPTURE --books-out F` on a capture of one coin on four venues (spot, USD-M,
COIN-M, Deribit; tests/fixtures/captures/multi-venue-btc.jsonl, recorded from the simulator with
the venues' instrument lists) writes `consolidated:BTC-USDT`, and it equals the file's own venue
books converted here, level by level with every venue's contribution: contract sizes read from
the capture's exchangeInfo, the rule of the issue applied by this test's own code."""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.core.management import call_command

from tests.books.consolidated_reference import expected_book

CAPTURE = Path(__file__).resolve().parents[1] / "fixtures" / "captures" / "multi-venue-btc.jsonl"


def _listed_instruments() -> dict[str, dict]:
    """venue:SYMBOL -> kind, quote, contract size, from the capture's recorded instrument lists."""
    out = {}
    for text in CAPTURE.read_text().splitlines():
        line = json.loads(text)
        if line["t"] != "http":
            continue
        venue = {
            "api.binance.com": "binance",
            "fapi.binance.com": "binance-usdm",
            "dapi.binance.com": "binance-coinm",
        }
        if "exchangeInfo" in line["url"]:
            name = venue[line["url"].split("/")[2]]
            for s in json.loads(line["data"])["symbols"]:
                # Futures lists say PERPETUAL or a delivery (CURRENT_QUARTER, NEXT_QUARTER, ...).
                kind = (
                    "spot"
                    if name == "binance"
                    else "perpetual"
                    if s["contractType"] == "PERPETUAL"
                    else "future"
                )
                out[f"{name}:{s['symbol']}"] = {
                    "venue": name,
                    "kind": kind,
                    "quote": s["quoteAsset"],
                    "contract_size": s.get("contractSize"),
                }
        elif "get_instruments" in line["url"]:
            for i in json.loads(line["data"])["result"]:
                perpetual = i.get("settlement_period") == "perpetual"
                out[f"deribit:{i['instrument_name']}"] = {
                    "venue": "deribit",
                    "kind": "perpetual" if perpetual else i["kind"],
                    "quote": i["quote_currency"],
                    "contract_size": i.get("contract_size"),
                }
    return out


def test_replay_writes_the_consolidated_book_of_the_venue_books(tmp_path):
    out = tmp_path / "books.json"
    call_command("replay", str(CAPTURE), "--books-out", str(out), "--quiet")
    document = json.loads(out.read_text())
    listed = _listed_instruments()
    members = {}
    for key in (
        "binance:BTCUSDT",
        "binance-usdm:BTCUSDT",
        "binance-coinm:BTCUSD_PERP",
        "deribit:BTC-PERPETUAL",
    ):
        assert key in document, f"{key} was not built: {sorted(document)}"
        members[key] = {
            **listed[key],
            "bids": [(Decimal(p), Decimal(q)) for p, q in document[key]["bids"]],
            "asks": [(Decimal(p), Decimal(q)) for p, q in document[key]["asks"]],
        }
    assert listed["binance-coinm:BTCUSD_PERP"]["contract_size"] in (100, "100")
    expected = expected_book(members)

    got = document["consolidated:BTC-USDT"]
    for side in ("bids", "asks"):
        rows = [
            (Decimal(p), Fraction(Decimal(t)), {k: Decimal(q) for k, q in by.items()})
            for p, t, by in got[side]
        ]
        assert len(rows) == len(expected[side])
        for row, want in zip(rows, expected[side], strict=True):
            assert row == want, f"{side}: {row} != {want}"
        # Every venue is in the book somewhere, and strings are plain decimals.
        assert {k for _, _, by in rows for k in by} == set(members)
        assert all("e" not in t.lower() for _, t, _ in got[side])
    # Only the one consolidated pair: every instrument of the capture merges into BTC-USDT.
    assert sorted(k for k in document if k.startswith("consolidated:")) == ["consolidated:BTC-USDT"]
