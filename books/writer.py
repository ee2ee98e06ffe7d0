"""The tick writer: rows from the feed process to the database, in batches, losing nothing.

Use:
    writer = TickWriter()            # settings: MARKETAGG WRITER_QUEUE_SIZE, WRITER_BATCH_SIZE, ...
    writer.start()                   # its own thread and database connection
    writer.submit("delta", row)      # from the event loop: O(1), never blocks; row layout in
                                     # books/storage/tables.py (TRADE, DELTA: a book change, SNAPSHOT)
    writer.flush(timeout=5)          # True once everything submitted is in the database
    writer.stop()                    # drains to the database, or to the spill file if it is down

The thread loop, one step at a time:
1. Take up to WRITER_BATCH_SIZE rows from the queue (waiting briefly when it is empty), one batch
   per table, each with a fresh id.
2. If the spill file holds anything, or the queue is backing up (the database is slow), append the
   batches to the spill file: order is kept because everything then passes through the file.
3. Otherwise write them (COPY; multi-row INSERT when `use_copy=False`; executemany on SQLite). If
   the database is unreachable, spill them instead and retry it every `retry_interval` seconds.
4. When the database answers, write the oldest spilled batch and mark it done; repeat on the next
   step until the file is empty, then delete it. Each batch commits with its id in a ledger
   table, so a batch sent twice (its commit's answer lost, or spilled after all) is stored once.
A restart finds the spill file and resumes step 4 from the last batch marked done.

Loss paths, each a Prometheus counter (marketagg_writer_rows_dropped by reason, and in stats()):
rows refused as invalid at submit (BadRow) or by the database; `queue_full`, the in-memory queue
was full (the disk and the database both stalled); `spill_failed`, a batch neither the spill file
(disk full) nor the database would take; `spill_corrupt`, rows of a spill record that cannot be
read back (torn by a crash, damaged on disk): skipped, never blocking the records after it.
A trade already stored (same instrument, trade id and time: two connections delivered it) is not
stored again, and counted as a duplicate row. A row is counted in exactly one place: written,
refused, duplicate, dropped, or still pending.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings

from books.storage import writer_metrics as metrics
from books.storage.spill import CorruptRecord, SpillFile, claim_spill_path, keep_refused
from books.storage.tables import DELTA, TABLES, BadRow, Table, check_row, decode_row, encode_delta, encode_row
from books.storage.targets import PostgresTarget, SqliteTarget, TargetDown, postgres_conninfo

log = logging.getLogger("books.writer")


class TickWriter:
    def __init__(
        self,
        *,
        using: str = "default",
        dsn: str | None = None,
        queue_size: int | None = None,
        batch_size: int | None = None,
        spill_dir: str | os.PathLike | None = None,
        name: str = "ticks",
        use_copy: bool = True,
        insert_batch: int = 500,
        flush_interval: float = 0.2,
        retry_interval: float = 1.0,
    ) -> None:
        """`use_copy=False` writes multi-row INSERTs of at most `insert_batch` rows, for servers that
        cannot take COPY (pglite). `dsn` overrides the connection of `using` (PostgreSQL only)."""
        from django.db import connections

        conf = settings.MARKETAGG
        self.using = using
        self.vendor = connections[using].vendor
        self.settings_dict = dict(connections[using].settings_dict)
        self.dsn = dsn
        self.queue_size = queue_size or int(conf["WRITER_QUEUE_SIZE"])
        self.batch_size = batch_size or int(conf["WRITER_BATCH_SIZE"])
        self.spill_dir = Path(spill_dir or conf["WRITER_SPILL_DIR"])
        self.name = name
        self.use_copy = use_copy
        self.insert_batch = insert_batch
        self.flush_interval = flush_interval
        self.retry_interval = retry_interval
        self._sqlite = self.vendor == "sqlite"
        self._queue: collections.deque = collections.deque()
        self._wake = threading.Event()
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._down_until = 0.0
        self._lock_fh = None
        self.spill: SpillFile | None = None
        self.counts = collections.Counter()
        self._submitted = dict.fromkeys(TABLES, 0)
        self._submitted_reported = dict.fromkeys(TABLES, 0)
        self.last_error = ""
        self.refused_examples: collections.deque = collections.deque(maxlen=20)

    # -- the event loop side -------------------------------------------------------------------
    def submit(self, table: str, row: tuple, *, check: bool = True) -> bool:
        """Queue one row of `table` ("trade", "delta" or "snapshot"). Raises BadRow (counted) for a
        row that cannot be stored exactly; returns False (counted) if the queue is full.

        `check=False` moves the check to the writer thread (a bad row is then refused there: counted
        and kept in the `<name>.refused.jsonl` file), for hot paths whose values are already checked
        where they entered (the recorder's deltas: the connectors' parsers checked every level).
        A delta row's Decimal level lists are encoded in the writer thread: never change them
        afterwards; levels already encoded by books.storage.tables.spelled_json (bytes) are only
        accepted here, unchecked, and stored as they are."""
        spec = TABLES.get(table)
        if spec is None:
            raise BadRow(str(table), "table", "is not one of trade, delta, snapshot")
        if check:
            try:
                check_row(spec, row, sqlite=self._sqlite)
            except BadRow as exc:
                metrics.ROWS_REFUSED.labels(table, "invalid").inc()
                self.counts["refused"] += 1
                self.refused_examples.append(str(exc))
                raise
        queue = self._queue
        if len(queue) >= self.queue_size:
            self._drop(1, "queue_full")
            return False
        queue.append((spec, row, check))
        # Plain int counts here; the writer thread carries them to Prometheus (no lock on the loop).
        self._submitted[table] += 1
        if len(queue) >= self.batch_size and not self._wake.is_set():
            self._wake.set()
        return True

    # -- life ----------------------------------------------------------------------------------
    def start(self) -> TickWriter:
        if self._thread is not None:
            return self
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        path, self._lock_fh = claim_spill_path(self.spill_dir, self.name)
        self.spill = SpillFile(path)
        if self.spill.pending:
            log.info(
                "tick writer resumes a spill file",
                extra={"path": str(self.spill.path), "bytes": self.spill.size()},
            )
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"tickwriter-{self.name}", daemon=True)
        self._thread.start()
        return self

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every row submitted so far is committed. False on timeout (not lost: queued or spilled)."""
        deadline = time.monotonic() + timeout
        self._wake.set()
        with self._idle:
            while not self._drained():
                left = deadline - time.monotonic()
                if left <= 0 or self._thread is None or not self._thread.is_alive():
                    return self._drained()
                self._wake.set()
                self._idle.wait(min(left, 0.05))
        return True

    def _drained(self) -> bool:
        return not self._queue and not self._busy and not (self.spill and self.spill.pending)

    def stop(self, timeout: float = 10.0) -> bool:
        """Write what can be written within `timeout` (nothing in memory is left behind: what the
        database cannot take now goes to the spill file for the next start), then stop. Does not
        wait for a database that is down. True if nothing is left in the spill file."""
        if self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        with self._idle:
            while not self._drained() and time.monotonic() < deadline:
                if time.monotonic() < self._down_until and not self._queue and not self._busy:
                    break  # everything is on disk; the database is away
                self._wake.set()
                self._idle.wait(0.05)
        self._stop.set()
        self._wake.set()
        self._thread.join(max(deadline - time.monotonic(), 0) + 30)
        self._thread = None
        clean = self.spill is None or not self.spill.pending
        if self.spill is not None:
            self.spill.sync()
            self.spill.close()
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None
        return clean

    def stats(self) -> dict:
        return {
            "queue": len(self._queue),
            "submitted": sum(self._submitted.values()),
            **{key: self.counts[count] for key, count in metrics.STATS_COUNTS.items()},
            "spill_bytes": (self.spill.size() - self.spill.offset) if self.spill else 0,
            "spilling": bool(self.spill and self.spill.pending),
            "database_down": time.monotonic() < self._down_until,
            "last_error": self.last_error,
            "last_refused": self.refused_examples[-1] if self.refused_examples else "",
        }

    # -- the writer thread ---------------------------------------------------------------------
    def _target(self):
        if self._sqlite:
            return SqliteTarget(using=self.using)
        return PostgresTarget(
            conninfo=postgres_conninfo(self.settings_dict, dsn=self.dsn),
            use_copy=self.use_copy,
            insert_batch=self.insert_batch,
        )

    def _run(self) -> None:
        target = self._target()
        try:
            while True:
                stopping = self._stop.is_set()
                try:
                    self._step(target)
                except Exception:  # a bug must not end the thread: log it, back off, go on
                    log.exception("tick writer step failed")
                    self.counts["step_errors"] += 1
                    self._down_until = time.monotonic() + self.retry_interval
                metrics.QUEUE_ROWS.set(len(self._queue))
                metrics.SPILL_BYTES.set(self.spill.size() - self.spill.offset)
                with self._idle:
                    self._idle.notify_all()
                if stopping and not self._queue:
                    break
                if not self._queue and (not self.spill.pending or time.monotonic() < self._down_until):
                    self._wake.wait(self.flush_interval)
                    self._wake.clear()
        finally:
            with contextlib.suppress(Exception):
                target.close()
            with self._idle:
                self._idle.notify_all()

    def _step(self, target) -> None:
        self._busy = True  # before taking: flush() must never see rows in neither place
        try:
            batches = self._take()
            if batches:
                self._handle(target, batches)
        finally:
            self._busy = False
        if self.spill.pending and time.monotonic() >= self._down_until:
            self._catch_up(target)

    def _take(self) -> list[tuple[Table, list]]:
        by_table: dict[str, tuple[Table, list]] = {}
        queue = self._queue
        for _ in range(min(len(queue), self.batch_size)):
            spec, row, checked = queue.popleft()
            try:
                if spec is DELTA:  # book changes, most rows: checked and encoded here, off the loop
                    row = encode_delta(row)
                elif not checked:
                    check_row(spec, row, sqlite=self._sqlite)
            except BadRow as exc:
                self._refuse(spec, row, str(exc), reason="invalid")
                continue
            by_table.setdefault(spec.key, (spec, []))[1].append(row)
        for table, count in self._submitted.items():
            if count != self._submitted_reported[table]:
                metrics.ROWS_SUBMITTED.labels(table).inc(count - self._submitted_reported[table])
                self._submitted_reported[table] = count
        return list(by_table.values())

    def _handle(self, target, batches: list[tuple[Table, list]]) -> None:
        backlog = len(self._queue) > self.queue_size // 2
        for spec, rows in batches:
            batch_id = uuid.uuid4().hex
            waiting = self.spill.pending or backlog or time.monotonic() < self._down_until
            if waiting or not self._write_now(target, batch_id, spec, rows):
                self._to_spill(target, batch_id, spec, rows)

    def _drop(self, rows: int, reason: str) -> None:
        metrics.ROWS_DROPPED.labels(reason).inc(rows)
        self.counts["dropped"] += rows
        self.counts[reason] += rows

    def _to_spill(self, target, batch_id: str, spec: Table, rows: list) -> None:
        encoded, kept = [], []
        for row in rows:
            try:
                encoded.append(encode_row(spec, row))
                kept.append(row)
            except Exception as exc:  # a malformed row: refused like any other, not the batch
                self._refuse(spec, row, f"cannot be encoded: {type(exc).__name__}: {exc}")
        rows = kept
        try:
            self.spill.append(batch_id=batch_id, table=spec.key, rows=encoded)
        except OSError as exc:
            # The disk is full (or failing); nothing of the batch stayed in the file. A database
            # that answers takes it now, out of turn, rather than losing it.
            self.last_error = f"spill file: {exc}"
            if time.monotonic() >= self._down_until and self._write_now(target, batch_id, spec, rows):
                return
            # Neither the database nor the disk will take them: lost, and said so.
            self._drop(len(rows), "spill_failed")
            log.error("tick writer cannot spill %d %s rows: %s", len(rows), spec.key, exc)
            return
        metrics.ROWS_SPILLED.labels(spec.key).inc(len(rows))
        self.counts["spilled"] += len(rows)

    def _write_now(self, target, batch_id: str, spec: Table, rows: list) -> bool:
        try:
            return self._write(target, batch_id, spec, rows)
        except Exception:  # not the link, not the data: keep the rows on disk and retry later
            log.exception("tick writer: unexpected error writing a batch")
            self._down_until = time.monotonic() + self.retry_interval
            return False

    def _write(self, target, batch_id: str, spec: Table, rows: list) -> bool:
        """True if the batch is in the database (or already was); False if it must wait."""
        try:
            outcome = target.write(batch_id=batch_id, table=spec, rows=rows)
        except TargetDown as exc:
            metrics.DB_ERRORS.inc()
            self.counts["db_errors"] += 1
            if time.monotonic() >= self._down_until:
                log.warning("tick writer: database unavailable, spilling (%s)", exc)
            self.last_error = str(exc)
            self._down_until = time.monotonic() + self.retry_interval
            return False
        if outcome is None:
            # Committed by an earlier attempt whose answer was lost: stored, so counted stored.
            metrics.BATCHES_DUPLICATE.inc()
            self.counts["duplicates"] += 1
            metrics.ROWS_WRITTEN.labels(spec.key).inc(len(rows))
            self.counts["written"] += len(rows)
            return True
        for row, error in outcome.refused:
            self._refuse(spec, row, error)
        if outcome.duplicates:
            metrics.ROWS_DUPLICATE.labels(spec.key).inc(outcome.duplicates)
            self.counts["duplicate_rows"] += outcome.duplicates
        written = len(rows) - len(outcome.refused) - outcome.duplicates
        metrics.ROWS_WRITTEN.labels(spec.key).inc(written)
        self.counts["written"] += written
        self._down_until = 0.0
        return True

    def _refuse(self, spec: Table, row, error: str, *, reason: str = "database") -> None:
        """A row refused in the writer thread: counted, and kept on disk for inspection."""
        metrics.ROWS_REFUSED.labels(spec.key, reason).inc()
        if reason == "invalid":
            self.counts["refused"] += 1
            self.refused_examples.append(error)
        else:
            self.counts["refused_db"] += 1
            self.refused_examples.append(f"{spec.key} row refused by the database: {error}")
        keep_refused(self.spill_dir / f"{self.name}.refused.jsonl", spec=spec, row=row, error=error)

    def _catch_up(self, target) -> None:
        """Write spilled batches, oldest first, while the database takes them and no new rows wait."""
        deadline = time.monotonic() + 0.5
        while self.spill.pending and time.monotonic() < deadline:
            batch = self.spill.peek()
            if batch is None:
                return
            if isinstance(batch, CorruptRecord) or batch.table not in TABLES:
                self._skip_corrupt(batch)
                continue
            spec = TABLES[batch.table]
            rows = []
            for values in batch.rows:
                try:
                    row = decode_row(spec, values)
                    rows.append(encode_delta(row) if spec is DELTA else row)
                except Exception as exc:  # one damaged row: refused, the rest of its batch goes on
                    self._refuse(spec, values, f"unreadable in the spill file: {exc!r}", reason="spill")
            self._busy = True
            try:
                if not self._write(target, batch.batch_id, spec, rows):
                    return
                self.spill.confirm(batch)
            finally:
                self._busy = False
            if len(self._queue) >= self.batch_size:
                return

    def _skip_corrupt(self, record) -> None:
        """A spill record that cannot be read back: its rows are lost; count them, say why, go on."""
        if isinstance(record, CorruptRecord):
            rows, reason, name = record.rows, record.reason, record.batch_id
        else:
            rows, reason, name = len(record.rows), f"unknown table {record.table!r}", record.batch_id
        self.counts["corrupt_records"] += 1
        self._drop(rows, "spill_corrupt")
        self.last_error = f"spill record {name or '?'} skipped ({reason}): {rows} rows lost"
        log.error("tick writer: %s", self.last_error)
        self.spill.confirm(record)


__all__ = ["TickWriter", "BadRow"]
