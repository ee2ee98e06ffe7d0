"""Tick tables: trades, book deltas and book snapshots, written by the feed process.

Time-partitioned on PostgreSQL (hypertables or pg_partman partitions, see books/storage/), plain
indexed tables on SQLite. On PostgreSQL the primary key is (id, time): a partitioned table's unique
keys must hold the partition column. Django sees `id` alone, which stays unique (one sequence).

`instrument` is a foreign key without a database constraint: the writer streams rows with COPY and
a constraint check per row costs ingest; deleting an instrument must not cascade over millions of
ticks either (history stays until retention removes it).
"""

from decimal import Decimal

from django.db import models

from exchanges.models import Instrument

# Exact crypto numbers: 20 integer digits and 18 decimals (wei-sized quantities) fit; the writer
# refuses anything that would be rounded rather than storing it inexactly.
NUMBER = {"max_digits": 38, "decimal_places": 18}


class TakerSide(models.TextChoices):
    BUY = "buy"
    SELL = "sell"


def _instrument() -> models.ForeignKey:
    return models.ForeignKey(Instrument, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")


class Trade(models.Model):
    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField(help_text="Venue event time.")
    instrument = _instrument()
    trade_id = models.CharField(max_length=64, help_text="The venue's trade id.")
    price = models.DecimalField(**NUMBER)
    quantity = models.DecimalField(**NUMBER)
    taker_side = models.CharField(max_length=4, choices=TakerSide.choices)

    class Meta:
        indexes = [models.Index(fields=["instrument", "time"], name="books_trade_instr_time")]
        # One row per venue trade, however many connections delivered it. `time` is in the key
        # because a partitioned table's (and a hypertable's) unique keys must hold it; a venue's
        # trade id names one trade at one time, so the key is as strict as (instrument, trade_id).
        # Time before trade id: new trades land at the right end of the index, which keeps ingest fast.
        constraints = [
            models.UniqueConstraint(fields=["instrument", "time", "trade_id"], name="books_trade_unique")
        ]

    def __str__(self) -> str:
        return f"trade {self.trade_id} {self.quantity}@{self.price}"


class BookDelta(models.Model):
    """One change applied to a venue book: the levels it set, as absolute new quantities.

    `bids`/`asks` hold the changed levels as [price, quantity] decimal strings, in the order the
    venue sent them (JSON has no exact decimal; `Decimal(text)` reads each back exactly; quantity
    zero, whatever its spelling ("0", "0E-8"), removes the level). `event` numbers the book changes
    of the feed process in the order they were applied; (time, event) is the replay order that
    `book_at` uses. Rows stored before books.0005 held one level each: 0005 grouped them by change.
    """

    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField()
    instrument = _instrument()
    sequence = models.BigIntegerField(null=True, blank=True, help_text="Venue sequence after the change.")
    event = models.BigIntegerField()
    bids = models.JSONField(default=list, help_text="Changed bid levels: [price, quantity] strings.")
    asks = models.JSONField(default=list, help_text="Changed ask levels: [price, quantity] strings.")

    class Meta:
        indexes = [models.Index(fields=["instrument", "time", "event"], name="books_delta_instr_time")]

    def __str__(self) -> str:
        return f"change {self.event}: {len(self.bids)} bids, {len(self.asks)} asks"

    def levels(self) -> list[tuple[str, Decimal, Decimal]]:
        """The changed levels one by one, bids first: (side "b"/"a", price, quantity), exact."""
        return [("b", Decimal(p), Decimal(q)) for p, q in self.bids] + [
            ("a", Decimal(p), Decimal(q)) for p, q in self.asks
        ]


class BookSnapshot(models.Model):
    """A venue book after every change with (time, event) up to its own, best first on both sides.

    `bids`/`asks` hold [price, quantity] pairs as plain decimal strings (JSON has no exact decimal).
    `depth` is the venue book's level count shown and asked for (it never cut known levels).
    `bid_boundary`/`ask_boundary` are the live book's boundaries (books/orderbook.py): the worst
    prices of its last snapshot cut at a limit; `book_at` ignores deltas past them as the live book
    did. Null: that side had no boundary (rows stored before they were recorded have none either).
    """

    id = models.BigAutoField(primary_key=True)
    time = models.DateTimeField()
    instrument = _instrument()
    sequence = models.BigIntegerField(null=True, blank=True)
    event = models.BigIntegerField()
    depth = models.PositiveIntegerField(null=True, blank=True)
    bids = models.JSONField(default=list)
    asks = models.JSONField(default=list)
    best_bid = models.DecimalField(**NUMBER, null=True, blank=True)
    best_ask = models.DecimalField(**NUMBER, null=True, blank=True)
    mid = models.DecimalField(**NUMBER, null=True, blank=True)
    spread = models.DecimalField(**NUMBER, null=True, blank=True)
    bid_boundary = models.DecimalField(**NUMBER, null=True, blank=True)
    ask_boundary = models.DecimalField(**NUMBER, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["instrument", "time", "event"], name="books_snapshot_instr_time")]

    def __str__(self) -> str:
        return f"snapshot {self.time:%Y-%m-%d %H:%M:%S} {self.best_bid}/{self.best_ask}"


class WrittenBatch(models.Model):
    """Ledger of writer batches already committed: a batch retried after an ambiguous failure
    (commit sent, answer lost) or reloaded from the spill file is skipped, never stored twice."""

    id = models.CharField(max_length=40, primary_key=True)
    written_at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.id


class TradeMinute(models.Model):
    """One minute of one instrument's trades, rolled up from books_trade by books.storage.rollup.

    Exact, on every backend: `first_*`/`last_*` name the opening and closing trade (earliest and
    latest time, ties broken by id as `bars()` breaks them), so minutes combine into longer bars
    exactly. Recomputed whole whenever a trade of the minute arrives, however late.
    """

    instrument = _instrument()
    bucket = models.DateTimeField(help_text="Start of the minute (UTC).")
    open = models.DecimalField(**NUMBER)
    high = models.DecimalField(**NUMBER)
    low = models.DecimalField(**NUMBER)
    close = models.DecimalField(**NUMBER)
    volume = models.DecimalField(**NUMBER)
    count = models.BigIntegerField()
    first_time = models.DateTimeField()
    first_id = models.BigIntegerField()
    last_time = models.DateTimeField()
    last_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instrument", "bucket"], name="books_trademinute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bucket:%Y-%m-%d %H:%M} o{self.open} h{self.high} l{self.low} c{self.close}"


class RollupState(models.Model):
    """How far a rollup has read its source: every trade with id <= `last_trade_id` is in
    TradeMinute; minutes before `pruned_before` were removed by retention (read raw there)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_trade_id = models.BigIntegerField(default=0)
    pruned_before = models.DateTimeField(null=True, blank=True)
    rolled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} through trade {self.last_trade_id}"
