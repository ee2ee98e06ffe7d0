"""`manage.py cost --books-file` on replayed captures equals an independent sweep of the same
consolidated book: exact where no division is involved, to 20 significant digits elsewhere.

Two books files: a four-venue one (spot, USD-M, COIN-M inverse, Deribit inverse merged into
BTC-USDT and ETH-USDT) replayed from a recording of the simulator with the venues' real instrument
lists, and the real exchange captures (real depth, COIN-M contracts converted) replayed together.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from tests.analytics.cost_captures import CAPTURES, books_file, cost, recorded_four_venues
from tests.analytics.cost_reference import reference_cost


def agree(ours: str | None, ref: F | None, *, exact: bool = False) -> bool:
    if ref is None or ours is None:
        return ours is None and ref is None
    assert "e" not in ours.lower(), ours  # plain decimals only
    mine = F(Decimal(ours))
    if exact:
        return mine == ref
    return abs(mine - ref) <= abs(ref) * F(1, 10**20) + F(1, 10**24)


def sizes(entry: dict, side: str, unit: str, *, few: bool = False) -> list[str]:
    levels = entry["asks" if side == "buy" else "bids"]
    whole = sum(F(q) if unit == "base" else F(p) * F(q) for p, q, _ in levels)
    best = F(levels[0][1]) if unit == "base" else F(levels[0][0]) * F(levels[0][1])
    picks = [best, best / 3, whole, whole * 2] + [whole * F(n, 1000) for n in (1, 37, 250, 600, 999)]
    if few:
        picks = [best / 3, whole * F(37, 1000), whole * F(6, 10), whole * 2]
    places = 8 if unit == "base" else 2
    out = []
    for s in picks:
        text = (
            str(round(Decimal(s.numerator) / Decimal(s.denominator), places))
            if s.denominator != 1
            else str(s)
        )
        if Decimal(text) > 0:
            out.append(text)
    out += [str(Decimal(levels[0][1]))] if unit == "base" and not few else []
    return out


def check(path: Path, entry: dict, pair: str, *, few: bool = False) -> int:
    n = 0
    for side in ("buy", "sell"):
        for unit in ("base", "quote"):
            for size in sizes(entry, side, unit, few=few):
                ours = cost(path, pair, side, size, unit)
                ref = reference_cost(entry, side=side, size=F(Decimal(size)), unit=unit)
                where = (pair, side, size, unit)
                exact = unit == "base"  # no division before the averages
                assert agree(ours["filled_base"], ref["filled_base"], exact=exact), where
                assert agree(ours["quote_amount"], ref["quote_amount"], exact=True), where
                assert agree(ours["unfilled"], ref["unfilled"], exact=True), where
                assert agree(ours["worst_price"], ref["worst_price"], exact=True), where
                assert agree(ours["mid"], ref["mid"], exact=True), where
                assert agree(ours["average_price"], ref["average_price"]), where
                assert agree(ours["slippage_bps"], ref["slippage_bps"]), where
                assert set(ours["allocations"]) == set(ref["allocations"]), where
                for key, qty in ref["allocations"].items():
                    assert agree(ours["allocations"][key], qty), (where, key)
                    assert agree(ours["allocation_quote"][key], ref["allocation_quote"][key]), (where, key)
                best = ours["best_single_venue"]
                assert (best or {}).get("venue") == ref["best_single_venue"], where
                if best is not None:
                    assert agree(best["average_price"], ref["per_venue"][best["venue"]]["average_price"]), (
                        where
                    )
                assert agree(ours["saving_bps"], ref["saving_bps"]), where
                assert agree(ours["saving_quote"], ref["saving_quote"]), where
                for key, alone in ref["per_venue"].items():
                    assert ours["per_venue"][key]["fills"] == (alone["unfilled"] == 0), (where, key)
                    assert agree(ours["per_venue"][key]["average_price"], alone["average_price"]), (
                        where,
                        key,
                    )
                assert ours["fees_applied"] is False
                n += 1
    return n


@pytest.mark.django_db(transaction=True)
def test_four_venue_books_from_a_replayed_recording(tmp_path, seeded):
    path, document = books_file(tmp_path, recorded_four_venues(tmp_path))
    entry = document["consolidated:BTC-USDT"]
    members = {k for side in ("bids", "asks") for _, _, parts in entry[side] for k in parts}
    assert members == {
        "binance:BTCUSDT",
        "binance-usdm:BTCUSDT",
        "binance-coinm:BTCUSD_PERP",
        "deribit:BTC-PERPETUAL",
    }
    assert check(path, entry, "BTC-USDT") > 30
    assert check(path, document["consolidated:ETH-USDT"], "ETH-USDT") > 30


def test_real_exchange_captures_replayed_together(tmp_path):
    lines = []
    for name in ("binance-spot", "binance-usdm", "binance-coinm"):
        lines += (CAPTURES / f"{name}.jsonl").read_text().splitlines(keepends=True)
    path, document = books_file(tmp_path, lines)
    pairs = sorted(k.split(":", 1)[1] for k in document if k.startswith("consolidated:"))
    # One spot, one USD-M and one COIN-M dated future (converted from contracts).
    for pair in ("NKN-USDT", "SUSHI-USDT", "BTC-USD"):
        assert pair in pairs
        assert check(path, document[f"consolidated:{pair}"], pair, few=True) == 16
