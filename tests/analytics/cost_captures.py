"""Books files for the cost command tests: captures replayed by the real `replay` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "captures"
LISTS = ("exchangeInfo", "get_instruments")


def books_file(tmp_path: Path, capture_lines: list[str], *extra: str) -> tuple[Path, dict]:
    capture = tmp_path / "capture.jsonl"
    capture.write_text("".join(capture_lines))
    out = tmp_path / "books.json"
    call_command("replay", str(capture), "--books-out", str(out), "--quiet", *extra)
    return out, json.loads(out.read_text())


def instrument_lists() -> list[str]:
    """The venues' recorded instrument lists, so the replay knows pairs, kinds and contract sizes."""
    lines = []
    for name in ("binance-spot", "binance-usdm", "binance-coinm", "deribit-options"):
        with open(CAPTURES / f"{name}.jsonl") as f:
            lines += [
                line for line in f if line.startswith('{"t":"http"') and any(w in line[:200] for w in LISTS)
            ]
    assert len(lines) >= 4
    return lines


def cost(path: Path, pair: str, side: str, size: str, unit: str) -> dict:
    out = io.StringIO()
    call_command("cost", pair, side, size, "--unit", unit, "--books-file", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def recorded_four_venues(tmp_path: Path) -> list[str]:
    """A short recording of the simulator (four venues, BTC and ETH), led by the real instrument lists."""
    recording = tmp_path / "sim.jsonl"
    call_command("record", "--simulate", "--duration", "2", "--out", str(recording), stdout=io.StringIO())
    return instrument_lists() + recording.read_text().splitlines(keepends=True)
