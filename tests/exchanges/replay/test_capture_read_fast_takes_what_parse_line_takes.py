"""read_capture decodes whole blocks at once, yet takes exactly the lines parse_line takes: the
same lines from a real capture read in tiny blocks, and the same refusals for what JSON allows
but a line of the capture format does not (two objects on a line, one over two lines)."""

import pytest

from exchanges import capture
from exchanges.capture import CaptureError, parse_line, read_capture
from tests.exchanges.replay.conftest import CAPTURES

OPEN = '{"t": "open", "ts": 1, "url": "wss://x"}'
FRAME = '{"t": "ws", "ts": 2, "url": "wss://x", "data": "{\\"a\\": 1}"}'


def slow_read(path) -> list:
    text = path.read_text(encoding="utf-8")
    return [parse_line(t) for t in text.splitlines() if t.strip()]


@pytest.mark.parametrize("block", [64, 4096, capture.READ_BLOCK])
def test_a_real_capture_reads_the_same_in_any_block_size(monkeypatch, block):
    path = CAPTURES / "binance-coinm.jsonl"
    monkeypatch.setattr(capture, "READ_BLOCK", block)
    lines = read_capture(path)
    assert lines == slow_read(path)
    assert len(lines) > 200


def test_blank_lines_crlf_and_a_last_line_without_newline(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(f"{OPEN}\r\n\r\n   \n{FRAME}\r\n{FRAME}".encode())
    got = read_capture(path)
    assert [x.t for x in got] == ["open", "ws", "ws"]
    assert got[1].data == '{"a": 1}' and got[1].ts == 2.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{OPEN} {OPEN}\n", "c.jsonl:2: not a JSON object"),  # two objects on one line
        (OPEN[:-1] + "\n}\n", "c.jsonl:2: not a JSON object"),  # one object over two lines
        (OPEN.replace(", ", ",\r") + "\n", "c.jsonl:2: not a JSON object"),  # a lone CR ends a line
        ('{"t": "ws", "ts": NaN, "url": "wss://x"}\n', "c.jsonl:2: a 'ws' line without 'data'"),
        ('{"t": "ws", "ts": true, "url": "wss://x", "data": "x"}\n', "c.jsonl:2: 'ts' is not a number"),
        ('{"t": "ws", "ts": 1, "url": "", "data": "x"}\n', "c.jsonl:2: 'url' is missing"),
    ],
)
def test_what_parse_line_refuses_is_refused_naming_the_line(tmp_path, text, message):
    path = tmp_path / "c.jsonl"
    path.write_text(f"{OPEN}\n{text}")
    with pytest.raises(CaptureError, match=message):
        read_capture(path)


def test_not_utf8_is_said_so(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(OPEN.encode() + b"\n" + FRAME.encode().replace(b"a", b"\xff") + b"\n")
    with pytest.raises(CaptureError, match="is not UTF-8 text"):
        read_capture(path)
