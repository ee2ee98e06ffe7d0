"""`record --simulate` writes the simulator's session under the venues' real URLs, and replaying
it builds the books an independent rebuild of the recording gives."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from exchanges.capture import read_capture
from exchanges.venues import HOST_VENUES
from tests.exchanges.replay.reference_books import read_lines, rebuild


@pytest.mark.django_db
def test_record_simulator_then_replay(tmp_path, replay_books):
    out = tmp_path / "simulated.jsonl"
    # --duration is the command's own stop; whatever got recorded in it is what we compare.
    call_command("record", "--out", str(out), "--duration", "2", "--simulate")
    recorded = read_capture(out)
    assert {"open", "ws", "http"} <= {line.t for line in recorded}
    assert None not in {HOST_VENUES.get(urlsplit(line.url).hostname) for line in recorded}
    books = replay_books(out)
    assert books
    assert books == rebuild(read_lines(out))
