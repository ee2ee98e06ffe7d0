"""CREATE TABLE statements of the tick tables on PostgreSQL (shared by Timescale and pg_partman).

Written out rather than derived from the models because a partitioned table needs things Django
does not emit: the time column in the primary key, and `PARTITION BY RANGE (time)`. `COLUMNS` are
the tables as books.0001 creates them (later migrations alter them: books.0003 adds the snapshot
boundaries in place, books.0005 rebuilds books_bookdelta with `DELTA_CHANGE_COLUMNS`); with those
migrations applied they match books/models.py, which the tests check through Django's ORM.
A `bigserial` id rather than an identity column: PostgreSQL before 17 refuses identity columns
on partitioned tables.
"""

from __future__ import annotations

NUMERIC = "numeric(38, 18)"

COLUMNS = {
    "books_trade": [
        "id bigserial NOT NULL",
        "time timestamptz NOT NULL",
        "instrument_id bigint NOT NULL",
        "trade_id varchar(64) NOT NULL",
        f"price {NUMERIC} NOT NULL",
        f"quantity {NUMERIC} NOT NULL",
        "taker_side varchar(4) NOT NULL",
    ],
    "books_bookdelta": [
        "id bigserial NOT NULL",
        "time timestamptz NOT NULL",
        "instrument_id bigint NOT NULL",
        "sequence bigint NULL",
        "event bigint NOT NULL",
        "side varchar(1) NOT NULL",
        f"price {NUMERIC} NOT NULL",
        f"quantity {NUMERIC} NOT NULL",
    ],
    "books_booksnapshot": [
        "id bigserial NOT NULL",
        "time timestamptz NOT NULL",
        "instrument_id bigint NOT NULL",
        "sequence bigint NULL",
        "event bigint NOT NULL",
        "depth integer NULL CHECK (depth >= 0)",
        "bids jsonb NOT NULL",
        "asks jsonb NOT NULL",
        f"best_bid {NUMERIC} NULL",
        f"best_ask {NUMERIC} NULL",
        f"mid {NUMERIC} NULL",
        f"spread {NUMERIC} NULL",
    ],
}

# books.0005: one row per book change, its levels as JSON [price, quantity] decimal strings (the
# representation of a snapshot's levels), rather than one row per level.
DELTA_CHANGE_COLUMNS = [
    "id bigserial NOT NULL",
    "time timestamptz NOT NULL",
    "instrument_id bigint NOT NULL",
    "sequence bigint NULL",
    "event bigint NOT NULL",
    "bids jsonb NOT NULL",
    "asks jsonb NOT NULL",
]

INDEXES = {
    "books_trade": ("books_trade_instr_time", "instrument_id, time"),
    "books_bookdelta": ("books_delta_instr_time", "instrument_id, time, event"),
    "books_booksnapshot": ("books_snapshot_instr_time", "instrument_id, time, event"),
}

TICK_TABLES = tuple(COLUMNS)


def create_table_sql(table: str, *, partitioned: bool, columns: list[str] | None = None) -> list[str]:
    """CREATE TABLE and its index; `columns` replaces the books.0001 columns of `table`."""
    body = ",\n    ".join([*(columns or COLUMNS[table]), "PRIMARY KEY (id, time)"])
    tail = " PARTITION BY RANGE (time)" if partitioned else ""
    name, cols = INDEXES[table]
    return [
        f"CREATE TABLE {table} (\n    {body}\n){tail}",
        f"CREATE INDEX {name} ON {table} ({cols})",
    ]
