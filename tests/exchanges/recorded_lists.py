"""The instrument-list answers recorded in the captures (tests/fixtures/captures), as the venues sent them."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

CAPTURES = Path(
    os.environ.get("MARKETAGG_CAPTURES", Path(__file__).resolve().parents[1] / "fixtures" / "captures")
)
CAPTURE_OF_VENUE = {
    "binance": "binance-spot",
    "binance-usdm": "binance-usdm",
    "binance-coinm": "binance-coinm",
    "deribit": "deribit-options",
}


@cache
def _http_bodies(capture: str) -> tuple[tuple[str, str], ...]:
    path = CAPTURES / f"{capture}.jsonl"
    if not path.exists():
        pytest.fail(f"capture {path} is missing (tests/fixtures/captures is part of the repository)")
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            # Only the few GET answers matter; skip the many socket frames without decoding them.
            if '"t":"http"' not in line[:40] and '"t": "http"' not in line[:40]:
                continue
            item = json.loads(line)
            if "exchangeInfo" in item["url"] or "get_instruments" in item["url"]:
                out.append((item["url"], item["data"]))
    return tuple(out)


def recorded_lists(venue: str) -> list[tuple[str, str]]:
    """(url, raw body) of every recorded instrument-list answer of the venue."""
    return list(_http_bodies(CAPTURE_OF_VENUE[venue]))


def recorded_list(venue: str, contains: str = "") -> str:
    """The raw body of the first recorded list answer whose URL contains `contains`."""
    for url, body in recorded_lists(venue):
        if contains in url:
            return body
    raise LookupError(f"no recorded list for {venue} matching {contains!r}")
