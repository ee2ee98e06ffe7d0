"""The books file of docs/captures.md: what `replay --books-out` and `runfeeds --books-out` write."""

from __future__ import annotations

import json
import os
from pathlib import Path

from books.orderbook import BookState, VenueBook


def books_document(books: dict[str, VenueBook]) -> dict[str, dict]:
    """Every live book, keyed "<venue id>:<VENUE SYMBOL>", bids high to low, asks low to high."""
    return {key: books[key].to_json() for key in sorted(books) if books[key].state is BookState.LIVE}


def write_books(path: str | Path, books: dict[str, VenueBook]) -> int:
    """Write atomically (a reader never sees half a file); returns how many books were written."""
    document = books_document(books)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(document)
