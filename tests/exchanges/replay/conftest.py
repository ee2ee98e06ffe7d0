"""Captures, the replay command run for real, and the reference books to compare it with."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from exchanges.capture import read_capture

# The real captures, kept in the repository (docs/captures.md); MARKETAGG_CAPTURES points elsewhere.
CAPTURES = Path(
    os.environ.get("MARKETAGG_CAPTURES", Path(__file__).resolve().parents[2] / "fixtures" / "captures")
)
CAPTURE_NAMES = ["binance-spot", "binance-usdm", "binance-coinm", "deribit-options"]
# Every capture on the machine, so a new one is compared with the reference without a code change.
ALL_CAPTURES = sorted({p.stem for p in CAPTURES.glob("*.jsonl")} | set(CAPTURE_NAMES))


@pytest.fixture
def capture_lines():
    def load(name: str):
        path = CAPTURES / f"{name}.jsonl"
        if not path.exists():
            pytest.fail(f"capture {path} is missing (tests/fixtures/captures is part of the repository)")
        return read_capture(path)

    return load


@pytest.fixture
def replay_books(tmp_path):
    """Run `manage.py replay CAPTURE --books-out F` and return the books file it wrote."""

    def run(capture: Path, *args: str) -> dict:
        out = tmp_path / f"{Path(capture).stem}.books.json"
        call_command("replay", str(capture), "--books-out", str(out), "--quiet", *args)
        books = json.loads(out.read_text())
        # The venue books only: consolidated:<PAIR> entries are tested in tests/books/test_consolidated_*.
        return {k: v for k, v in books.items() if not k.startswith("consolidated:")}

    return run


SPOT_WS = "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms"
SPOT_REST = "https://api.binance.com/api/v3/depth"
USDM_WS = "wss://fstream.binance.com/stream?streams=btcusdt@depth@100ms/btcusdt@aggTrade"
DERIBIT_WS = "wss://www.deribit.com/ws/api/v2"


def line(t: str, url: str, data: str | None = None, ts: float = 1_700_000_000.0):
    from exchanges.capture import CaptureLine

    return CaptureLine(t=t, ts=ts, url=url, data=data)


def frame(stream: str, n: int) -> str:
    return json.dumps({"stream": stream, "data": {"n": n}})


async def receive_texts(ws, count: int) -> list[str]:
    """The next `count` text frames of an aiohttp client socket."""
    out = []
    while len(out) < count:
        msg = await ws.receive(timeout=5)
        assert msg.type.name == "TEXT", f"socket ended after {out!r}: {msg!r}"
        out.append(msg.data)
    return out
