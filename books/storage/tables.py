"""The writer's view of the tick tables: column order, row checks and spill-file encoding.

A row is a plain tuple in `Table.columns` order, built on the event loop by the recorder; checks
here are O(1) so `submit()` can refuse a bad row at once with a clear error.

A delta row is one book change: (time, instrument_id, sequence, event, bids, asks), its levels
lists of (Decimal, Decimal) as the connector handed them over, or, for a venue that spells its
numbers as decimal strings (Binance), those strings already encoded by `spelled_json`. The writer
thread turns it into the row the targets write with `encode_delta`: Decimal levels checked and
JSON-encoded by msgspec (C, no Python per level), each spelled as str() spells it ("65000.1",
"0E-8"); spelled levels as the venue wrote them ("0.00000000"). `Decimal()` reads either back
exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain

import msgspec

from books.numbers import PLAIN_DECIMAL_CHARS, SPELLED_JSON_CHARS, plain

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
    # time, id, int, int?, str, taker, dec, dec?, levels (a snapshot side), changes (a change's
    # levels of one side: a list of (price, quantity) as submitted, JSONB_VERSION + JSON once encoded)
    kinds: tuple[str, ...]

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
    ("time", "instrument_id", "sequence", "event", "bids", "asks"),
    ("time", "id", "int?", "int", "changes", "changes"),
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
    check_level_number(table, column, value)
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


def check_level_number(table: str, column: str, value) -> None:
    """A price or quantity of a change's levels: JSON text keeps any finite Decimal exactly (no
    NUMERIC(38, 18) or SQLite float limit), so finite and not negative is all it needs."""
    if not isinstance(value, Decimal):
        raise BadRow(table, column, f"must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise BadRow(table, column, f"is not finite: {value}")
    if value < 0:
        raise BadRow(table, column, f"is negative: {value}")


def _check_changes(table: str, column: str, levels) -> None:
    if not isinstance(levels, (list, tuple)):
        raise BadRow(table, column, f"must be a list of (price, quantity), got {type(levels).__name__}")
    for i, level in enumerate(levels):
        if not isinstance(level, (list, tuple)) or len(level) != 2:
            raise BadRow(table, f"{column}[{i}]", f"must be a (price, quantity) pair, got {level!r:.60}")
        check_level_number(table, f"{column}[{i}] price", level[0])
        check_level_number(table, f"{column}[{i}] quantity", level[1])


# jsonb's binary wire format is a version byte and the JSON text: an encoded delta row carries its
# levels that way, so binary COPY sends them as they are (books.storage.targets).
JSONB_VERSION = b"\x01"
_encode = msgspec.json.encode
_from_each = chain.from_iterable
_SEQUENCES = frozenset({list, tuple})
_PAIR = frozenset({2})
_DECIMAL = frozenset({Decimal})
# What msgspec writes for a list of pairs of finite, non-negative Decimals, but the minus sign of
# a negative exponent ("0E-8"): a letter other than E is NaN or Infinity, '"-' a negative number.
_NUMBER_JSON = b'[]",0123456789.E+'
_INT64 = 2**63


def _levels_json(levels) -> bytes | None:
    """The JSON of a change's levels if they are certainly stored exactly; None: ask check_row.

    Checks at C speed, no Python bytecode per level: a list of lists or tuples of two items each,
    every item a Decimal, and the JSON spelling of none of them NaN, Infinity or negative."""
    if type(levels) is not list and type(levels) is not tuple:
        return None
    try:
        if not (
            _SEQUENCES.issuperset(map(type, levels))
            and _PAIR.issuperset(map(len, levels))
            and _DECIMAL.issuperset(map(type, _from_each(levels)))
        ):
            return None
    except TypeError:
        return None
    data = _encode(levels)
    odd = data.translate(None, _NUMBER_JSON)
    if odd and (odd.strip(b"-") or b'"-' in data):
        return None
    return data


def spelled_json(text: bytes) -> bytes:
    """A change's levels as a venue spelled them (the JSON text b'[["65000.10","1.5"],...]', each
    item a decimal string the connector checked: books.numbers.SpelledLevels.spelled) in the form
    the targets write: JSONB_VERSION + that text, not encoded again."""
    return JSONB_VERSION + text


_SPELLED_START = JSONB_VERSION + b"["


def _is_spelled(data: bytes) -> bool:
    return data[:2] == _SPELLED_START and not data[1:].translate(None, SPELLED_JSON_CHARS)


def encode_delta(row) -> tuple:
    """The delta row as the targets write it: bids and asks as JSONB_VERSION + JSON text.
    Raises BadRow (check_row's message) for a row that cannot be stored exactly as it is.

    The writer thread runs it on every delta row (the recorder submits them unchecked): levels
    given as bytes (spelled_json of a venue's checked spelling, only ever with check=False) are
    taken as they are once nothing but digits, points and JSON punctuation is in them; levels
    given as Decimal pairs take the fast path; anything it cannot vouch for goes through check_row, and if that
    passes (a Decimal subclass, "-0") is spelled level by level."""
    if type(row) is tuple and len(row) == 6:
        time, iid, seq, event, bids, asks = row
        if (
            type(time) is datetime
            and time.tzinfo is not None
            and type(iid) is int
            and iid > 0
            and (seq is None or (type(seq) is int and -_INT64 <= seq < _INT64))
            and type(event) is int
            and -_INT64 <= event < _INT64
        ):
            if type(bids) is bytes and type(asks) is bytes and _is_spelled(bids) and _is_spelled(asks):
                # Encoded by spelled_json from a venue's own checked decimal strings.
                return row
            bids_json = _levels_json(bids)
            asks_json = _levels_json(asks)
            if bids_json is not None and asks_json is not None:
                return (time, iid, seq, event, JSONB_VERSION + bids_json, JSONB_VERSION + asks_json)
    check_row(DELTA, row)
    time, iid, seq, event, bids, asks = row
    return (time, iid, seq, event, _spelled(bids), _spelled(asks))


def _spelled(levels) -> bytes:
    return JSONB_VERSION + _encode([[str(p), str(q)] for p, q in levels])


def changes_text(value: bytes) -> str:
    """An encoded delta column (JSONB_VERSION + JSON) as JSON text, for INSERT and SQLite."""
    return value[1:].decode()


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
        elif kind == "changes":
            _check_changes(name, column, value)


def levels_json(levels) -> str:
    """[(Decimal, Decimal), ...] or [[str, str], ...] as the books-file JSON text."""
    return json.dumps(
        [[p if isinstance(p, str) else plain(p), q if isinstance(q, str) else plain(q)] for p, q in levels],
        separators=(",", ":"),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_row(table: Table, row) -> list:
    """A JSON-safe list for the spill file (msgspec): times as integer microseconds, decimals as
    text; an encoded delta's levels go in as their JSON (msgspec.Raw), not parsed again."""
    out = []
    for kind, value in zip(table.kinds, row, strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            delta = value - _EPOCH
            out.append((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds)
        elif kind in ("dec", "dec?"):
            out.append(str(value))
        elif kind == "changes":
            if isinstance(value, bytes):
                out.append(msgspec.Raw(value[1:]))
            else:  # a row refused before it was encoded (kept for inspection)
                out.append([[str(p), str(q)] for p, q in value])
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
    """A spilled row as it was submitted (a delta's levels as (Decimal, Decimal): encode_delta
    checks and encodes it again before it is written)."""
    if table is SNAPSHOT and len(values) == len(table.kinds) - 2:
        values = [*values, None, None]  # spilled before snapshots had boundaries: they had none
    if table is DELTA and len(values) == 7:
        # Spilled before books.0005 (one level a row): a change of that one level.
        time, iid, seq, event, side, price, quantity = values
        if side not in ("b", "a"):
            raise ValueError(f"side must be 'b' or 'a', not {side!r:.20}")
        level = [[price, quantity]]
        values = [time, iid, seq, event, level if side == "b" else [], level if side == "a" else []]
    out = []
    for kind, value in zip(table.kinds, values, strict=True):
        if value is None:
            out.append(None)
        elif kind == "time":
            out.append(datetime.fromtimestamp(value // 1_000_000, UTC).replace(microsecond=value % 1_000_000))
        elif kind in ("dec", "dec?"):
            out.append(Decimal(value))
        elif kind == "changes":
            out.append([(Decimal(p), Decimal(q)) for p, q in value])
        else:
            out.append(value)
    if table is DELTA and _spellable(values[4]) and _spellable(values[5]):
        # Both sides plain decimal strings: their own spelling again (spelled_json), so a change
        # stored after an outage reads as it would have; else Decimal pairs, which encode_delta
        # checks and spells.
        out[4], out[5] = spelled_json(_encode(values[4])), spelled_json(_encode(values[5]))
    return tuple(out)


def _spellable(levels) -> bool:
    """Every level a pair of plain decimal strings (digits and a point), the price above zero."""
    if type(levels) is not list:
        return False
    for level in levels:
        if not (type(level) is list and len(level) == 2):
            return False
        p, q = level
        if (
            not (type(p) is str and type(q) is str and p and q)
            or p.strip(PLAIN_DECIMAL_CHARS)
            or q.strip(PLAIN_DECIMAL_CHARS)
        ):
            return False
        try:
            if not Decimal(p):
                return False
            Decimal(q)
        except ArithmeticError:
            return False
    return True
