"""read_capture gives lines that name the URL of the line before them that line's string, not a
copy of their own (a combined stream's URL is hundreds of characters, on every line of a capture),
and still every line's own URL, in blocks of any size."""

import pytest

from exchanges import capture
from exchanges.capture import parse_line, read_capture
from tests.exchanges.replay.conftest import CAPTURES

A = "wss://stream.example/stream?streams=" + "/".join(f"s{i:02d}@depth@100ms" for i in range(20))
B = "https://api.example/api/v3/depth?symbol=S00&limit=1000"


def _line(t: str, url: str, n: int) -> str:
    data = "" if t == "open" else f', "data": "{{\\"n\\": {n}}}"'
    return f'{{"t": "{t}", "ts": {n}, "url": "{url}"{data}}}'


@pytest.mark.parametrize("block", [64, 4096, capture.READ_BLOCK])
def test_runs_of_one_url_share_one_string(tmp_path, monkeypatch, block):
    urls = [A, A, A, B, B, A, A]
    kinds = ["open", "ws", "ws", "http", "http", "ws", "ws"]
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(_line(t, u, n) for n, (t, u) in enumerate(zip(kinds, urls, strict=True))) + "\n"
    )
    monkeypatch.setattr(capture, "READ_BLOCK", block)
    lines = read_capture(path)
    assert [x.url for x in lines] == urls
    assert [x.data for x in lines] == [None] + [f'{{"n": {n}}}' for n in range(1, 7)]
    assert lines[1].url is lines[0].url and lines[2].url is lines[0].url
    assert lines[4].url is lines[3].url
    assert lines[6].url is lines[5].url


def test_a_real_capture_holds_one_string_per_run_of_a_url(monkeypatch):
    path = CAPTURES / "binance-coinm.jsonl"
    monkeypatch.setattr(capture, "READ_BLOCK", 512)
    lines = read_capture(path)
    runs = sum(1 for n, x in enumerate(lines) if n == 0 or x.url != lines[n - 1].url)
    assert len({id(x.url) for x in lines}) == runs < len(lines) // 2
    assert lines == [parse_line(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
