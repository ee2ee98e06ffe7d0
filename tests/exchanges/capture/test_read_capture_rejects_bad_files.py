"""read_capture says plainly what is wrong with a file that is not a capture."""

import pytest

from exchanges.capture import CaptureError, read_capture


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]\n", "not a JSON object"),
        ('{"t": "close", "ts": 1, "url": "wss://x"}\n', "unknown line type"),
        ('{"t": "ws", "ts": "soon", "url": "wss://x", "data": "{}"}\n', "'ts' is not a number"),
        ('{"t": "ws", "ts": 1, "url": "wss://x"}\n', "without 'data'"),
    ],
)
def test_read_capture_rejects_bad_lines(tmp_path, text, message):
    path = tmp_path / "c.jsonl"
    path.write_text('{"t": "open", "ts": 1, "url": "wss://x"}\n\n' + text)
    with pytest.raises(CaptureError, match=f"c.jsonl:3: .*{message}"):
        read_capture(path)


def test_read_capture_rejects_missing_file(tmp_path):
    with pytest.raises(CaptureError, match="capture not found"):
        read_capture(tmp_path / "missing.jsonl")
