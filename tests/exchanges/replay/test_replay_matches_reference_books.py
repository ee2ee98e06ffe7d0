"""`replay --books-out` on every real capture equals an independent rebuild of the books."""

import pytest

from tests.exchanges.replay.conftest import ALL_CAPTURES, CAPTURES
from tests.exchanges.replay.reference_books import read_lines, rebuild


@pytest.mark.parametrize("name", ALL_CAPTURES)
def test_replay_matches_reference_books(name, capture_lines, replay_books):
    capture_lines(name)  # fails when the capture is missing
    path = CAPTURES / f"{name}.jsonl"
    expected = rebuild(read_lines(path))
    assert expected, "the reference rebuilt no book: the capture or the rebuild is broken"
    assert replay_books(path) == expected
