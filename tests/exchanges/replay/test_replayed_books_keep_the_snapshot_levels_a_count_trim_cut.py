"""The real captures where a count-based trim left holes: every level inside the boundary stays.

SUSHIUSDT (binance-usdm): the 1,000-level snapshot's bids reach down to 6.347; diffs then added
levels near the top, and trimming to 1,000 cut 6.359…6.347, known from the snapshot, while levels
named by later diffs past the snapshot (6.101, 3.807) were shown once deletions made room: a hole
inside the shown book. BTCUSD_211231 (binance-coinm) is the same on both sides. The replay must
equal the independent rebuild (tests/exchanges/replay/reference_books.py), keep the snapshot's
edge levels and show nothing past the boundary.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.exchanges.replay.conftest import CAPTURES
from tests.exchanges.replay.reference_books import read_lines, rebuild


@pytest.mark.parametrize(
    ("capture", "key"),
    [("binance-usdm", "binance-usdm:SUSHIUSDT"), ("binance-coinm", "binance-coinm:BTCUSD_211231")],
)
def test_replayed_book_equals_the_rebuild_under_the_boundary_rule(capture, key, capture_lines, replay_books):
    capture_lines(capture)  # fails when the capture is missing
    path = CAPTURES / f"{capture}.jsonl"
    assert replay_books(path)[key] == rebuild(read_lines(path))[key]


def test_sushiusdt_keeps_the_snapshot_edge_and_shows_nothing_past_it(capture_lines, replay_books):
    capture_lines("binance-usdm")
    book = replay_books(CAPTURES / "binance-usdm.jsonl")["binance-usdm:SUSHIUSDT"]
    bids = [Decimal(p) for p, _ in book["bids"]]
    # Known from the snapshot, cut by the count trim once diffs had added levels near the top.
    for price in ("6.359", "6.354", "6.35", "6.349", "6.348", "6.347"):
        assert Decimal(price) in bids, f"bid {price} from the snapshot is missing"
    # Named by diffs past the snapshot's boundary: the levels between them and it are unknown.
    assert Decimal("6.101") not in bids and Decimal("3.807") not in bids
    assert min(bids) == Decimal("6.347")
    assert len(bids) > 1000, "every level inside the boundary is kept, more than the snapshot's 1,000"
