"""The tick writer's Prometheus metrics (books/writer.py): every row is counted in one of them."""

from prometheus_client import Counter, Gauge

ROWS_SUBMITTED = Counter("marketagg_writer_rows_submitted", "Rows accepted by the tick writer", ["table"])
ROWS_WRITTEN = Counter("marketagg_writer_rows_written", "Rows committed to the database", ["table"])
ROWS_REFUSED = Counter(
    "marketagg_writer_rows_refused", "Rows refused: invalid at submit or by the database", ["table", "reason"]
)
ROWS_DROPPED = Counter("marketagg_writer_rows_dropped", "Rows lost by the writer", ["reason"])
ROWS_SPILLED = Counter("marketagg_writer_rows_spilled", "Rows written to the spill file", ["table"])
ROWS_DUPLICATE = Counter(
    "marketagg_writer_rows_duplicate",
    "Rows not stored: the same trade (instrument, id, time) is stored",
    ["table"],
)
BATCHES_DUPLICATE = Counter("marketagg_writer_batches_duplicate", "Batches skipped as already stored")
DB_ERRORS = Counter("marketagg_writer_db_errors", "Failed attempts to reach or write to the database")
QUEUE_ROWS = Gauge("marketagg_writer_queue_rows", "Rows waiting in the writer's memory queue")
SPILL_BYTES = Gauge(
    "marketagg_writer_spill_bytes", "Bytes in the writer's spill file not yet in the database"
)

# TickWriter.stats() keys and the writer's own counts behind them. A row submitted is, in the end,
# in exactly one of written, refused, refused_by_database, duplicate_rows or dropped (by reason).
STATS_COUNTS = {
    "written": "written",
    "refused": "refused",  # invalid: refused at submit or by the writer thread's check
    "refused_by_database": "refused_db",
    "dropped": "dropped",  # the sum of the three below
    "dropped_queue_full": "queue_full",
    "dropped_spill_failed": "spill_failed",
    "dropped_spill_corrupt": "spill_corrupt",
    "spilled": "spilled",
    "duplicates_skipped": "duplicates",  # batches already in the ledger (their rows count as written)
    "duplicate_rows": "duplicate_rows",  # trades already stored: not stored again
    "spill_corrupt": "corrupt_records",  # spill records skipped; their rows are in dropped_spill_corrupt
    "db_errors": "db_errors",
}
