"""A recorded reconnect (an `open` mid-stream) cuts the client's socket: it reconnects, resyncs
from the fresh snapshots, and ends with the books of the uncut capture."""

import pytest

from exchanges.replay import faults
from tests.exchanges.replay.conftest import CAPTURE_NAMES
from tests.exchanges.replay.reference_books import rebuild
from tests.exchanges.replay.variants import as_dicts, cut


@pytest.mark.parametrize("name", CAPTURE_NAMES)
def test_cut_socket_reconnects_and_resyncs(name, capture_lines, replay_books, tmp_path):
    lines = capture_lines(name)
    variant, recoverable = cut(lines)
    assert recoverable
    path = faults.write_variant(variant, tmp_path, f"{name}-cut.jsonl")
    expected = rebuild(as_dicts(variant))
    original = rebuild(as_dicts(lines))
    assert {k: expected[k] for k in recoverable} == {k: original[k] for k in recoverable}
    assert replay_books(path) == expected
