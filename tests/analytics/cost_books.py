"""Venue books for the cost-to-trade tests, in each venue's own units, and a helper that merges them
through the real consolidated book (books.consolidated) so conversions are the project's own."""

from __future__ import annotations

from decimal import Decimal

from tests.analytics.metric_books import COINM, DERIBIT, SPOT
from tests.books.venue_books import venue_book

D = Decimal

# Prices of the form 2^a x 5^b, so the inverse conversions (100 USD contracts / price, USD / price)
# are exact and the consolidated levels below can be checked by eye.
#   asks 50000: spot 0.3 + coin-m 10 contracts (1000 USD = 0.02 BTC)                 = 0.32
#        51200: spot 0.5 + deribit 10240 USD (0.2 BTC)                                = 0.7
#        64000: coin-m 64 contracts (6400 USD = 0.1 BTC) + deribit 32000 USD (0.5 BTC) = 0.6
#   bids 40000: spot 1 + coin-m 16 contracts (0.04 BTC) + deribit 4000 USD (0.1 BTC)  = 1.14
#        32000: coin-m 32 contracts (3200 USD = 0.1 BTC)                              = 0.1
#        25600: deribit 2560 USD (0.1 BTC)                                            = 0.1
VENUE_BOOKS = {
    SPOT: {"bids": [("40000", "1")], "asks": [("50000", "0.3"), ("51200", "0.5")]},
    COINM: {"bids": [("40000", "16"), ("32000", "32")], "asks": [("50000", "10"), ("64000", "64")]},
    DERIBIT: {
        "bids": [("40000", "4000"), ("25600", "2560")],
        "asks": [("51200", "10240"), ("64000", "32000")],
    },
}


def consolidated(specs=(SPOT, COINM, DERIBIT)):
    """The real ConsolidatedBooks fed these venue books; returns (books sink, BTC-USDT book)."""
    from books.consolidated import ConsolidatedBooks

    books = ConsolidatedBooks(list(specs))
    for spec in specs:
        book = venue_book(spec, VENUE_BOOKS[spec])
        books.book_changed(spec, book, ts=1795000000.0, bids=[], asks=[], snapshot=True)
    return books, books.books["BTC-USDT"]
