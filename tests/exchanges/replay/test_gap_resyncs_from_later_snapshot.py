"""A lost book frame is a gap: the book is thrown away and rebuilt from the next snapshot."""

import pytest

from exchanges.replay import faults
from tests.exchanges.replay.conftest import CAPTURE_NAMES
from tests.exchanges.replay.reference_books import rebuild
from tests.exchanges.replay.variants import as_dicts, gap


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_gap_resyncs_from_later_snapshot(name, capture_lines, replay_books, tmp_path):
    lines = capture_lines(name)
    variant, key = gap(lines, recover=True)
    path = faults.write_variant(variant, tmp_path, f"{name}-gap.jsonl")
    expected = rebuild(as_dicts(variant))
    original = rebuild(as_dicts(lines))
    assert expected[key] == original[key], "the reference did not recover the book after the gap"
    assert replay_books(path) == expected
