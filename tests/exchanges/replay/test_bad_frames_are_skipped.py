"""Invalid JSON, missing fields, negative and NaN quantities, duplicates and unknown events
change nothing: the books equal those of the clean capture."""

import pytest

from exchanges.replay import faults
from tests.exchanges.replay.conftest import CAPTURE_NAMES
from tests.exchanges.replay.reference_books import rebuild
from tests.exchanges.replay.variants import as_dicts, noise


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_bad_frames_are_skipped(name, capture_lines, replay_books, tmp_path):
    lines = capture_lines(name)
    variant = noise(lines)
    assert len(variant) > len(lines)
    path = faults.write_variant(variant, tmp_path, f"{name}-noise.jsonl")
    expected = rebuild(as_dicts(variant))
    assert expected == rebuild(as_dicts(lines))
    assert replay_books(path) == expected
