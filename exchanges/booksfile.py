"""The books file of docs/captures.md: what `replay --books-out` and `runfeeds --books-out` write.

Venue books under "<venue id>:<SYMBOL>" (venue units), and, where consolidated books are given,
each pair's under "consolidated:<PAIR>" (base units, each level's venue contributions).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from books.orderbook import BookState, VenueBook

if TYPE_CHECKING:
    from books.consolidated import ConsolidatedBooks


def books_document(books: dict[str, VenueBook]) -> dict[str, dict]:
    """Every live book, keyed "<venue id>:<VENUE SYMBOL>", bids high to low, asks low to high."""
    return {key: books[key].to_json() for key in sorted(books) if books[key].state is BookState.LIVE}


def consolidated_document(consolidated: ConsolidatedBooks | None) -> dict[str, dict]:
    """Every consolidated book, keyed "consolidated:<PAIR>" (an empty book where no member is live)."""
    return {} if consolidated is None else consolidated.document()


def write_books(
    path: str | Path, books: dict[str, VenueBook], consolidated: ConsolidatedBooks | dict | None = None
) -> int:
    """Write atomically (a reader never sees half a file); returns how many books were written.

    `consolidated`: the ConsolidatedBooks sink, or its document already taken (replay takes it
    while the feeds still run, so stopping them cannot change it)."""
    document = books_document(books)
    document.update(consolidated if isinstance(consolidated, dict) else consolidated_document(consolidated))
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(document)
