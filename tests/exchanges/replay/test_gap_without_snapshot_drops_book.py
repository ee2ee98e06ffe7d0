"""A gap with no later snapshot in the capture: that book is left out, the others are intact."""

import pytest

from exchanges.replay import faults
from tests.exchanges.replay.reference_books import rebuild
from tests.exchanges.replay.variants import as_dicts, gap


@pytest.mark.parametrize("name", ["binance-usdm", "deribit-options"])
def test_gap_without_snapshot_drops_book(name, capture_lines, replay_books, tmp_path):
    lines = capture_lines(name)
    variant, key = gap(lines, recover=False)
    path = faults.write_variant(variant, tmp_path, f"{name}-gap-lost.jsonl")
    expected = rebuild(as_dicts(variant))
    assert key not in expected
    assert expected == {k: v for k, v in rebuild(as_dicts(lines)).items() if k != key}
    assert replay_books(path) == expected
