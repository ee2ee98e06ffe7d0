"""books.0005: book deltas go from one row per level to one row per book change, and back.

Each direction, on every backend, in two steps around the model state change:
1. Stage: the rows of the current table, regrouped, go into a plain table (STAGE); the current
   table is dropped the way its backend made it (a hypertable with its policies, a pg_partman
   parent with its partitions and config, or a plain table).
2. Fill: the table of the new layout is made the way the backend makes tick tables
   (books.storage.timescale / partman, or Django's schema editor from the migration state), with
   the partitions its rows need, and the staged rows go in, in replay order; STAGE goes.

Forward, the levels of one change (same instrument, time, event and sequence) become one row,
bids and asks as JSON lists of [price, quantity] strings in their stored order. PostgreSQL spells
the stored NUMERIC without trailing zeros (trim_scale); SQLite, whose writer kept every level to 15
significant digits, spells its float exactly with 15 (CAST AS TEXT): `Decimal()` of either is the
value that was stored. Backward, every level becomes a row again; the old NUMERIC(38, 18) columns
round anything finer than 18 decimals that was stored since.
"""

from __future__ import annotations

from books.storage import partman, timescale
from books.storage.backend import PARTMAN, TIMESCALE, detect_backend, forget_backend
from books.storage.pgddl import DELTA_CHANGE_COLUMNS

TABLE = "books_bookdelta"
STAGE = "books_bookdelta_0005"
KEY = "time, instrument_id, sequence, event"


def _side_pg(side: str) -> str:
    return (
        "COALESCE(jsonb_agg(jsonb_build_array(trim_scale(price)::text, trim_scale(quantity)::text) "
        f"ORDER BY id) FILTER (WHERE side = '{side}'), '[]'::jsonb)"
    )


def _side_sqlite(side: str) -> str:
    return (
        "json_group_array(json_array(CAST(price AS TEXT), CAST(quantity AS TEXT))) "
        f"FILTER (WHERE side = '{side}')"
    )


def _changes_sql(vendor: str) -> str:
    """STAGE: one row per change, `first_id` keeping the order the rows were stored in."""
    if vendor == "sqlite":
        # SQLite 3.40 has no ORDER BY inside an aggregate: it aggregates in the order rows come.
        source, bids, asks = f"(SELECT * FROM {TABLE} ORDER BY id)", _side_sqlite("b"), _side_sqlite("a")
    else:
        source, bids, asks = TABLE, _side_pg("b"), _side_pg("a")
    return (
        f"CREATE TABLE {STAGE} AS SELECT {KEY}, {bids} AS bids, {asks} AS asks, min(id) AS first_id "
        f"FROM {source} AS d GROUP BY instrument_id, time, event, sequence"
    )


def _levels_sql(vendor: str) -> str:
    """STAGE: one row per level of every change, with its change's id, side and place in it."""
    if vendor == "sqlite":
        part = (
            "SELECT d.time, d.instrument_id, d.sequence, d.event, '{side}' AS side, "
            "json_extract(e.value, '$[0]') AS price, json_extract(e.value, '$[1]') AS quantity, "
            "d.id AS change_id, e.key AS n FROM {table} AS d, json_each(d.{column}) AS e"
        )
    else:
        part = (
            "SELECT d.time, d.instrument_id, d.sequence, d.event, '{side}'::text AS side, "
            "(e.value->>0)::numeric AS price, (e.value->>1)::numeric AS quantity, d.id AS change_id, "
            "e.n FROM {table} AS d CROSS JOIN LATERAL jsonb_array_elements(d.{column}) "
            "WITH ORDINALITY AS e(value, n)"
        )
    bids = part.format(side="b", table=TABLE, column="bids")
    asks = part.format(side="a", table=TABLE, column="asks")
    return f"CREATE TABLE {STAGE} AS {bids} UNION ALL {asks}"


def _drop(connection, backend: str) -> None:
    with connection.cursor() as cursor:
        if backend == PARTMAN:
            partman.teardown_table(cursor, TABLE)
        else:  # a hypertable takes its chunks and policies with it
            cursor.execute(f"DROP TABLE {TABLE}")


def _create(schema_editor, apps, backend: str, *, changes: bool) -> None:
    columns = DELTA_CHANGE_COLUMNS if changes else None  # None: the books.0001 columns
    connection = schema_editor.connection
    if backend == TIMESCALE:
        with connection.cursor() as cursor:
            for sql in timescale.hypertable_sql(TABLE, columns=columns):
                cursor.execute(sql)
    elif backend == PARTMAN:
        with connection.cursor() as cursor:
            partman.setup_table(cursor, TABLE, columns=columns)
            partman.apply_policies(cursor)
            # Staged history older than the partitions made ahead gets its own hours, not the default.
            cursor.execute(f"SELECT DISTINCT date_trunc('hour', time) FROM {STAGE}")
            partman.ensure_partitions(cursor, table=TABLE, hours=sorted(r[0] for r in cursor.fetchall()))
    else:
        schema_editor.create_model(apps.get_model("books", "BookDelta"))


def _stage(schema_editor, *, changes: bool) -> None:
    connection = schema_editor.connection
    backend = detect_backend(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(_changes_sql(connection.vendor) if changes else _levels_sql(connection.vendor))
    _drop(connection, backend)


def _fill(schema_editor, apps, *, changes: bool) -> None:
    connection = schema_editor.connection
    backend = detect_backend(connection)
    _create(schema_editor, apps, backend, changes=changes)
    if changes:
        columns, order = f"{KEY}, bids, asks", "time, event, first_id"
    else:  # the recorder's order: a change's bids, then its asks, each as listed
        columns, order = f"{KEY}, side, price, quantity", "time, event, change_id, side DESC, n"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {STAGE} ORDER BY {order}")
        cursor.execute(f"DROP TABLE {STAGE}")
    forget_backend(connection)


# The migration's steps (RunPython pairs): see the module docstring.
def stage_changes(apps, schema_editor) -> None:
    _stage(schema_editor, changes=True)


def fill_levels(apps, schema_editor) -> None:
    _fill(schema_editor, apps, changes=False)


def fill_changes(apps, schema_editor) -> None:
    _fill(schema_editor, apps, changes=True)


def stage_levels(apps, schema_editor) -> None:
    _stage(schema_editor, changes=False)
