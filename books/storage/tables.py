"""The writer's view of the tick tables: column order, row checks and spill-file encoding.

A row is a plain tuple in `Table.columns` order, built on the event loop by the recorder; checks
here are O(1) so `submit()` can refuse a bad row at once with a clear error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from books.numbers import plain

# NUMERIC(38,18): more decimals would be rounded by PostgreSQL, a larger value refused.
MAX_DECIMALS = 18
MAX_INTEGER_DIGITS = 20
# SQLite keeps NUMERIC-affinity values as 8-byte floats: exact only up to 15 significant digits.
SQLITE_MAX_DIGITS = 15


class BadRow(ValueError):
    """A row the writer refuses: the message says which column and why."""

    def __init__(self, table: str, column: str, reason: str) -> None:
        super().__init__(f"{table} row refused: {column} {reason}")
        self.table = table
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Table:
    key: str  # the writer's name: trade, delta, snapshot
    db_table: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]  # time, id, int, int?, str, side, taker, dec, dec?, levels

    def __post_init__(self) -> None:
        assert len(self.columns) == len(self.kinds)


TRADE = Table(
    "trade",
    "books_trade",
    ("time", "instrument_id", "trade_id", "price", "quantity", "taker_side"),
    ("time", "id", "str", "dec", "dec", "taker"),
)
DELTA = Table(
    "delta",
    "books_bookdelta",
    ("time", "instrument_id", "sequence", "event", "side", "price", "quantity"),
    ("time", "id", "int?", "int", "side", "dec", "dec"),
)
SNAPSHOT = Table(
    "snapshot",
    "books_booksnapshot",
    (
        "time",
        "instrument_id",
        "sequence",
        "event",
        "depth",
        "bids",
        "asks",
        "best_bid",
        "best_ask",
        "mid",
        "spread",
        "bid_boundary",
        "ask_boundary",
    ),
    ("time", "id", "int?", "int", "int?", "levels", "levels", "dec?", "dec?", "dec?", "dec?", "dec?", "dec?"),
)
TABLES: dict[str, Table] = {t.key: t for t in (TRADE, DELTA, SNAPSHOT)}


def register_table(table: Table) -> Table:
    """Another app's time-partitioned table written through the same writer (analytics metric bars).
    Its extra kind "float" (a finite number, any sign) is checked by that app before submitting."""
    TABLES.setdefault(table.key, table)
    return TABLES[table.key]


def check_decimal(table: str, column: str, value, *, sqlite: bool) -> None:
    if not isinstance(value, Decimal):
        raise BadRow(table, column, f"must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise BadRow(table, column, f"is not finite: {value}")
    if value < 0:
        raise BadRow(table, column, f"is negative: {value}")
    if value.as_tuple().exponent < -MAX_DECIMALS:
        # 1.50000000000000000000 is fine (trailing zeros); 0.0000000000000000001 is not.
        value = value.normalize()
        if value.as_tuple().exponent < -MAX_DECIMALS:
            raise BadRow(table, column, f"has more than {MAX_DECIMALS} decimals: {value}")
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise BadRow(table, column, f"is too large (max {MAX_INTEGER_DIGITS} integer digits): {value}")
    if sqlite and len(value.normalize().as_tuple().digits) > SQLITE_MAX_DIGITS:
        raise BadRow(
            table,
            column,
            f"has more than {SQLITE_MAX_DIGITS} significant digits, "
            f"which SQLite cannot store exactly: {value}",
        )


_LOW = Decimal(1).scaleb(-MAX_DECIMALS)  # smallest step a stored decimal keeps
_HIGH = Decimal(10) ** MAX_INTEGER_DIGITS


def _plain_decimal_ok(value) -> bool:
    """The common case, decided in a few hundred nanoseconds: a finite, non-negative Decimal that
    fits the column exactly. Anything unusual takes the full check_decimal path (and its message)."""
    return (
        type(value) is Decimal
        and value.is_finite()
        and _HIGH > value >= 0
        and (value.as_tuple().exponent >= -MAX_DECIMALS)
    )


def delta_row_ok(row) -> bool:
    """True when a book-delta row certainly passes check_row; False means: run check_row."""
    if type(row) is not tuple or len(row) != 7:
        return False
    time, iid, seq, event, side, price, qty = row
    return (
        type(time) is datetime
        and time.tzinfo is not None
        and type(iid) is int
        and iid > 0
        and (seq is None or (type(seq) is int and -(2**63) <= seq < 2**63))
        and type(event) is int
        and -(2**63) <= event < 2**63
        and (side == "b" or side == "a")
        and _plain_decimal_ok(price)
        and _plain_decimal_ok(qty)
    )


def check_row(table: Table, row, *, sqlite: bool = False) -> None:
    """Raise BadRow if `row` cannot be stored exactly as it is."""
    name = table.key
    if not isinstance(row, tuple) or len(row) != len(table.columns):
        raise BadRow(name, "row", f"must be a tuple of {len(table.columns)} values {table.columns}")
    for column, kind, value in zip(table.columns, table.kinds, row, strict=True):
        if kind == "time":
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise BadRow(name, column, f"must be a timezone-aware datetime, got {value!r:.60}")
        elif kind == "id":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise BadRow(name, column, f"must be an instrument id (positive int), got {value!r:.60}")
        elif kind in ("int", "int?"):
            if value is None and kind == "int?":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
                raise BadRow(name, column, f"must be a 64-bit int, got {value!r:.60}")
        elif kind == "str":
            if not isinstance(value, str) or not value or len(value) > 64:
                raise BadRow(
                    name, column, f"must be a non-empty string of at most 64 chars, got {value!r:.60}"
                )
        elif kind == "side":
            if value not in ("b", "a"):
                raise BadRow(name, column, f"must be 'b' or 'a', got {value!r:.60}")
        elif kind == "taker":
            if value not in ("buy", "sell"):
                raise BadRow(name, column, f"must be 'buy' or 'sell', got {value!r:.60}")
        elif kind in ("dec", "dec?"):
            if value is None and kind == "dec?":
                continue
            # Nullable decimals are derived (best bid, mid...): the exact book is in the levels JSON,
            # so SQLite's float rounding of them is tolerated.
            check_decimal(name, column, value, sqlite=sqlite and kind == "dec")
        elif kind == "levels":
            # Snapshot sides come straight from VenueBook.top(): already exact Decimals; checking
            # every level here would cost the event loop O(depth), so the shape is enough.
            if not isinstance(value, list):
                raise BadRow(name, column, f"must be a list of (price, quantity), got {type(value).__name__}")


def levels_json(levels) -> str:
    """[(Decimal, Decimal), ...] or [[str, str], ...] as the books-file JSON text."""
    return json.dumps(
        [[p if isinstance(p, str) else plain(p), q if isinstance(q, str) else plain(q)] for p, q in levels],
        separators=(",", ":"),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_row(table: Table, row) -> list:
    """A JSON-safe list for the spill file: times as integer microseconds, decimals as text."""
    out = []
    for kind, value in zip(table.kinds, row, strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            delta = value - _EPOCH
            out.append((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds)
        elif kind in ("dec", "dec?"):
            out.append(str(value))
        elif kind == "levels":
            out.append(
                [
                    [p if isinstance(p, str) else plain(p), q if isinstance(q, str) else plain(q)]
                    for p, q in value
                ]
            )
        else:
            out.append(value)
    return out


def decode_row(table: Table, values: list) -> tuple:
    if table is SNAPSHOT and len(values) == len(table.kinds) - 2:
        values = [*values, None, None]  # spilled before snapshots had boundaries: they had none
    out = []
    for kind, value in zip(table.kinds, values, strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            out.append(datetime.fromtimestamp(value // 1_000_000, UTC).replace(microsecond=value % 1_000_000))
        elif kind in ("dec", "dec?"):
            out.append(Decimal(value))
        else:
            out.append(value)
    return tuple(out)
