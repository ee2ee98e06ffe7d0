"""Where the writer's batches go: PostgreSQL (COPY, or multi-row INSERT) or SQLite (executemany).

Each batch is one table's rows and commits in one transaction together with its id in the
batch ledger (books_writtenbatch); a batch whose id is already there is skipped (returns None).
Connection trouble raises `TargetDown`; a batch the database refuses for its data is written row by
row instead, and the rows it still refuses come back as `(row, error)` pairs in the `Outcome`.

Trades are unique per (instrument, trade id, time) (books.0004): a trade already stored, or twice
in one batch, is skipped and counted in `Outcome.duplicates`, never failing its batch. COPY stops
at the first conflict, so a trade batch is COPYed as it is (the usual case, at full speed) and
only when that meets a duplicate goes again through a temporary table and INSERT ... ON CONFLICT
DO NOTHING, in the same transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from books.storage.tables import Table, changes_text, levels_json

log = logging.getLogger("books.writer")

LEDGER_PG = (
    "INSERT INTO books_writtenbatch (id, written_at, rows) VALUES (%s, now(), %s) ON CONFLICT (id) DO NOTHING"
)


# Wire types of the tables that go over binary COPY (snapshots, with their JSON, use text).
# varchar/char columns are sent as text, which their binary input accepts as is. A delta's jsonb
# levels arrive encoded in jsonb's binary format (tables.encode_delta): sent with bytea's
# dumper, which passes bytes through in C; the server reads them with the column's own type.
BINARY_TYPES = {
    "delta": ["timestamptz", "int8", "int8", "int8", "bytea", "bytea"],
    "trade": ["timestamptz", "int8", "text", "numeric", "numeric", "text"],
}


# Tables with a uniqueness rule of their own (besides the id), and its columns.
UNIQUE = {"trade": ("instrument_id", "time", "trade_id")}
STAGE = "books_trade_stage"  # per-connection temporary table of the trade fallback


@dataclass
class Outcome:
    refused: list = field(default_factory=list)  # (row, error) pairs the database refused
    duplicates: int = 0  # rows not stored: the same row (by its table's unique key) is stored


class TargetDown(Exception):
    """The database cannot be reached or is not answering: try again later, keep the batch."""


def _copy_binary(cur, into: str, table: Table, rows: list) -> None:
    # Binary COPY: numbers and times go over as they are, no text round trip.
    with cur.copy(f"COPY {into} ({', '.join(table.columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(BINARY_TYPES[table.key])
        write = copy.write_row
        for row in rows:
            write(row)


def _prepare(table: Table, row) -> tuple:
    """Parameters of a text COPY or an INSERT: JSON columns as text."""
    if table.key == "delta":
        return (*row[:4], changes_text(row[4]), changes_text(row[5]))
    if "levels" not in table.kinds:
        return row
    return tuple(levels_json(v) if k == "levels" else v for k, v in zip(table.kinds, row, strict=True))


class PostgresTarget:
    def __init__(self, *, conninfo: dict, use_copy: bool = True, insert_batch: int = 500) -> None:
        self.conninfo = conninfo
        self.use_copy = use_copy
        self.insert_batch = max(1, insert_batch)
        self.conn = None
        self.partitioned: set[str] = set()  # tables partitioned by pg_partman
        self.hours: dict[str, set[datetime]] = {}  # partitions known to exist

    def _connect(self):
        import psycopg

        if self.conn is not None and not self.conn.closed:
            return self.conn
        try:
            self.conn = psycopg.connect(autocommit=True, **self.conninfo)
        except psycopg.Error as exc:
            raise TargetDown(str(exc).strip()) from exc
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT p.relname FROM pg_class p WHERE p.relkind = 'p' AND p.relname IN "
                "('books_trade', 'books_bookdelta', 'books_booksnapshot')"
            )
            self.partitioned = {r[0] for r in cur.fetchall()}
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None

    def write(self, *, batch_id: str, table: Table, rows: list) -> Outcome | None:
        import psycopg

        try:
            conn = self._connect()
            try:
                return self._write(conn, batch_id, table, rows, row_by_row=False)
            except (psycopg.OperationalError, psycopg.InterfaceError):
                raise
            except Exception:
                # The data, not the link: store what can be stored, hand back the rest.
                return self._write(conn, batch_id, table, rows, row_by_row=True)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self.close()
            raise TargetDown(str(exc).strip() or type(exc).__name__) from exc

    def _write(self, conn, batch_id: str, table: Table, rows: list, *, row_by_row: bool) -> Outcome | None:
        import psycopg

        out = Outcome()
        refused = out.refused
        new_hours: set[datetime] = set()
        unique = UNIQUE.get(table.key)
        skip = f" ON CONFLICT ({', '.join(unique)}) DO NOTHING" if unique else ""
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(LEDGER_PG, [batch_id, len(rows)])
            if cur.rowcount == 0:
                return None
            if table.db_table in self.partitioned:
                new_hours = self._ensure_partitions(cur, table, rows)
            cols = ", ".join(table.columns)
            if row_by_row:
                one = (
                    f"INSERT INTO {table.db_table} ({cols}) "
                    f"VALUES ({', '.join(['%s'] * len(table.columns))}){skip}"
                )
                for raw in rows:
                    try:
                        with conn.transaction():
                            cur.execute(one, _prepare(table, raw))
                            out.duplicates += 1 - cur.rowcount
                    except (psycopg.OperationalError, psycopg.InterfaceError):
                        raise
                    except Exception as exc:
                        refused.append((raw, (str(exc).strip().splitlines() or [type(exc).__name__])[0]))
            elif self.use_copy and table.key in BINARY_TYPES:
                try:
                    with conn.transaction():  # a savepoint: a duplicate undoes this COPY only
                        _copy_binary(cur, table.db_table, table, rows)
                except psycopg.errors.UniqueViolation:
                    out.duplicates = len(rows) - self._insert_new(cur, table, rows)
            elif self.use_copy:
                with cur.copy(f"COPY {table.db_table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(_prepare(table, row))
            else:
                prepared = [_prepare(table, r) for r in rows]
                width = len(table.columns)
                for start in range(0, len(prepared), self.insert_batch):
                    chunk = prepared[start : start + self.insert_batch]
                    values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
                    cur.execute(
                        f"INSERT INTO {table.db_table} ({cols}) VALUES {values}{skip}",
                        [v for r in chunk for v in r],
                    )
                    out.duplicates += len(chunk) - cur.rowcount
        # Only now: a rolled-back transaction takes its new partitions with it.
        self.hours.setdefault(table.db_table, set()).update(new_hours)
        return out

    def _insert_new(self, cur, table: Table, rows: list) -> int:
        """The trade batch through the stage table: only rows not stored yet (nor earlier in the
        batch) go in, in batch order. Returns how many went in."""
        cols = ", ".join(table.columns)
        # Created here, in the batch's transaction, when first needed: the rare path pays for it.
        cur.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS "
            f"SELECT {cols} FROM {table.db_table} WITH NO DATA"
        )
        cur.execute(f"ALTER TABLE {STAGE} ADD COLUMN IF NOT EXISTS ord bigserial")
        cur.execute(f"TRUNCATE {STAGE}")
        _copy_binary(cur, STAGE, table, rows)
        cur.execute(
            f"INSERT INTO {table.db_table} ({cols}) SELECT {cols} FROM {STAGE} ORDER BY ord "
            f"ON CONFLICT ({', '.join(UNIQUE[table.key])}) DO NOTHING"
        )
        return cur.rowcount

    def _ensure_partitions(self, cur, table: Table, rows: list) -> set[datetime]:
        import psycopg

        from books.storage.partman import ensure_partitions

        if not rows:  # a spilled batch whose every row was refused: nothing to make room for
            return set()
        known = self.hours.setdefault(table.db_table, set())
        first = min(r[0] for r in rows).replace(minute=0, second=0, microsecond=0)
        last = max(r[0] for r in rows).replace(minute=0, second=0, microsecond=0)
        if first == last and first in known:
            return set()  # the usual batch: one hour, whose partition exists
        hours = {r[0].replace(minute=0, second=0, microsecond=0) for r in rows} - known
        if hours:
            try:
                with cur.connection.transaction():  # a savepoint: a refusal here keeps the batch
                    ensure_partitions(cur, table=table.db_table, hours=sorted(hours))
            except (psycopg.OperationalError, psycopg.InterfaceError):
                raise
            except psycopg.Error as exc:
                # E.g. rows of that hour already sit in the default partition: ours go there too,
                # and maintenance (partition_data_time) moves them all into a partition later.
                log.warning(
                    "no partition made for %s (%s); rows go to the default partition", table.db_table, exc
                )
                return set()
        return hours


class SqliteTarget:
    """SQLite through Django's connection of the writer thread (its own, thread-local)."""

    def __init__(self, *, using: str) -> None:
        self.using = using
        self.wrapper = None

    def _raw(self):
        from django.db import connections

        if self.wrapper is None:
            self.wrapper = connections[self.using]
        try:
            self.wrapper.ensure_connection()
        except Exception as exc:
            raise TargetDown(str(exc)) from exc
        return self.wrapper.connection

    def close(self) -> None:
        if self.wrapper is not None:
            self.wrapper.close()
            self.wrapper = None

    def _adapt(self, table: Table, row) -> tuple:
        ops = self.wrapper.ops
        out = []
        for kind, value in zip(table.kinds, row, strict=True):
            if value is None:
                out.append(None)
            elif kind == "time":
                out.append(ops.adapt_datetimefield_value(value))
            elif kind == "levels":
                out.append(levels_json(value))
            elif kind == "changes":
                out.append(changes_text(value))
            elif kind in ("dec", "dec?"):
                out.append(str(value))
            else:
                out.append(value)
        return tuple(out)

    def write(self, *, batch_id: str, table: Table, rows: list) -> Outcome | None:
        raw = self._raw()
        unique = UNIQUE.get(table.key)
        sql = (
            f"INSERT INTO {table.db_table} ({', '.join(table.columns)}) "
            f"VALUES ({', '.join(['?'] * len(table.columns))})"
            + (f" ON CONFLICT ({', '.join(unique)}) DO NOTHING" if unique else "")
        )
        out = Outcome()
        refused = out.refused
        try:
            raw.execute("BEGIN IMMEDIATE")
            try:
                cur = raw.execute(
                    "INSERT OR IGNORE INTO books_writtenbatch (id, written_at, rows) "
                    "VALUES (?, strftime('%Y-%m-%d %H:%M:%f', 'now'), ?)",
                    [batch_id, len(rows)],
                )
                if cur.rowcount == 0:
                    raw.execute("ROLLBACK")
                    return None
                try:
                    raw.execute("SAVEPOINT bulk")
                    cur = raw.executemany(sql, [self._adapt(table, r) for r in rows])
                    out.duplicates = len(rows) - cur.rowcount
                    raw.execute("RELEASE bulk")
                except sqlite3.OperationalError:
                    raise
                except Exception:
                    raw.execute("ROLLBACK TO bulk")
                    raw.execute("RELEASE bulk")
                    out.duplicates = 0
                    for original in rows:
                        try:
                            out.duplicates += 1 - raw.execute(sql, self._adapt(table, original)).rowcount
                        except sqlite3.OperationalError:
                            raise
                        except Exception as exc:
                            refused.append((original, f"{type(exc).__name__}: {exc}"))
                raw.execute("COMMIT")
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:  # locked, disk I/O: try again later
            raise TargetDown(str(exc)) from exc
        return out


def postgres_conninfo(settings_dict: dict, *, dsn: str | None = None) -> dict:
    """psycopg.connect() keywords from a Django DATABASES entry (or a DSN), with short timeouts so a
    dead link is noticed in seconds rather than hanging the writer thread."""
    base: dict = {}
    if dsn:
        base["conninfo"] = dsn
    else:
        for key, name in (
            ("NAME", "dbname"),
            ("USER", "user"),
            ("PASSWORD", "password"),
            ("HOST", "host"),
            ("PORT", "port"),
        ):
            if settings_dict.get(key):
                base[name] = str(settings_dict[key])
        base.update(
            {
                k: v
                for k, v in (settings_dict.get("OPTIONS") or {}).items()
                if k not in ("pool", "server_side_binding", "isolation_level", "assume_role")
            }
        )
    base.setdefault("connect_timeout", 5)
    base.setdefault("application_name", "marketagg-tickwriter")
    base.setdefault("keepalives", 1)
    base.setdefault("keepalives_idle", 5)
    base.setdefault("keepalives_interval", 2)
    base.setdefault("keepalives_count", 3)
    base.setdefault("tcp_user_timeout", 10_000)
    return base


__all__ = ["Outcome", "PostgresTarget", "SqliteTarget", "TargetDown", "postgres_conninfo"]
