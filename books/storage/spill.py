"""The writer's append-only spill file: batches the database could not take yet, in order.

One JSON line per batch (`{"b": id, "t": table, "n": row count, "r": rows}`, rows as
books.storage.tables.encode_row gives them). Each append goes
to the OS in unbuffered `os.write` calls, so what the file holds is exactly what `append` reported:
a write cut short (disk full) is cut back out of the file before the error is raised, and nothing
is left in a buffer to land later. A side file holds the byte offset of the first batch not yet in
the database; it moves only after that batch is committed. A batch committed but not yet marked
(crash in between) is sent again and skipped by the database's batch ledger. When everything is
read, both files go.

A record that cannot be read (a crash mid-write, a disk that failed and could not be cut back, a
file damaged on disk) never blocks the ones after it: `peek` hands it back as a `CorruptRecord`
with its row count (from its header when that survived) and the reason, and reading resumes at the
next record, even one appended to the same line as the damaged one.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import msgspec

log = logging.getLogger("books.writer")
# msgspec writes what json.dumps(separators=(",", ":")) would, faster, and embeds a delta's levels
# already encoded (msgspec.Raw) as they are.
_encode = msgspec.json.encode
RECORD_START = b'{"b":"'
# The header of a record as `append` writes it: enough to name a damaged record and its rows.
HEADER = re.compile(rb'\{"b":"([^"]{1,64})","t":"(\w{1,16})","n":(\d{1,9}),')


def claim_spill_path(spill_dir: Path, name: str):
    """One process per spill file: a second writer of the same name (say `replay --store` beside
    `runfeeds`) gets a file of its own rather than interleaving lines with the first.
    Returns the path and the open lock file (held until it is closed)."""
    fh = open(Path(spill_dir) / f"{name}.lock", "a")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return Path(spill_dir) / f"{name}.spill", fh
    except BlockingIOError:
        fh.close()
        log.warning("spill file %s is in use by another writer; using a private one", name)
        return Path(spill_dir) / f"{name}-{os.getpid()}.spill", None


def keep_refused(path: Path, *, spec, row, error: str) -> None:
    """A refused row, kept on disk for inspection (best effort: a full disk loses only this)."""
    from books.storage.tables import encode_row

    try:
        line = _encode({"table": spec.key, "row": encode_row(spec, row), "error": error})
    except Exception:  # not even encodable: its repr, for a human to read
        line = _encode({"table": spec.key, "row": repr(row), "error": error})
    try:
        with open(path, "ab") as fh:
            fh.write(line + b"\n")
    except OSError:
        pass


@dataclass
class SpilledBatch:
    batch_id: str
    table: str
    rows: list  # encoded rows (books.storage.tables.encode_row)
    end: int  # file offset just past this record


@dataclass
class CorruptRecord:
    """Bytes of the file that hold no readable batch: skipped, their rows counted as lost."""

    batch_id: str | None
    table: str | None
    rows: int  # rows lost: from the header, else the complete rows seen before the damage
    reason: str
    end: int


def _rows_in(fragment: bytes) -> tuple[str | None, str | None, int]:
    found = HEADER.match(fragment)
    if found:
        return found.group(1).decode(errors="replace"), found.group(2).decode(), int(found.group(3))
    # A header without a count (files of older versions): the rows that started before the damage.
    start = fragment.find(b'"r":[[')
    if start < 0:
        return None, None, 0
    return None, None, fragment.count(b"],[", start) + 1


class SpillFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.offset_path = self.path.with_suffix(self.path.suffix + ".offset")
        self._fd: int | None = None
        self._read = None
        self.offset = 0
        # The file does not end in a newline (a torn tail we could not cut): the next record must
        # start on a line of its own.
        self._torn = False
        self._open()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            try:
                self.offset = int(self.offset_path.read_text().strip() or 0)
            except (FileNotFoundError, ValueError):
                self.offset = 0
            size = self.path.stat().st_size
            self.offset = min(max(self.offset, 0), size)
            if size:
                with open(self.path, "rb") as fh:
                    fh.seek(size - 1)
                    self._torn = fh.read(1) != b"\n"

    @property
    def pending(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > self.offset

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def append(self, *, batch_id: str, table: str, rows: list) -> int:
        """Append one batch; returns the bytes written. On OSError nothing of it stays in the file
        (unless the file cannot even be cut back, and then the next record starts a new line)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        record = {"b": batch_id, "t": table, "n": len(rows), "r": rows}
        data = _encode(record) + b"\n"
        if self._torn:
            data = b"\n" + data
        start = os.fstat(self._fd).st_size
        view = memoryview(data)
        try:
            while view:
                done = os.write(self._fd, view)
                view = view[done:]
        except OSError:
            try:
                os.ftruncate(self._fd, start)  # frees space, so it works on a full disk
            except OSError:
                self._torn = True
            raise
        self._torn = False
        return len(data)

    def peek(self) -> SpilledBatch | CorruptRecord | None:
        """The first record not yet confirmed: a batch, or a damaged stretch to skip. None if empty."""
        if not self.pending:
            return None
        if self._read is None:
            self._read = open(self.path, "rb")
        self._read.seek(self.offset)
        line = self._read.readline()
        if not line.endswith(b"\n"):
            # Only ever a torn tail: every complete append ends in a newline (see append).
            batch_id, table, rows = _rows_in(line)
            return CorruptRecord(batch_id, table, rows, "record cut short", self.offset + len(line))
        try:
            record = json.loads(line)
            batch = SpilledBatch(
                str(record["b"]), str(record["t"]), list(record["r"]), self.offset + len(line)
            )
        except (ValueError, KeyError, TypeError):
            return self._damaged(line)
        if record.get("n", len(batch.rows)) != len(batch.rows):
            return self._damaged(line)  # a row list that lost or gained rows: not what was written
        return batch

    def _damaged(self, line: bytes) -> CorruptRecord:
        """A line that is not one record: skip up to the next record that reads whole, if any."""
        batch_id, table, rows = _rows_in(line)
        cut = line.find(RECORD_START, 1)
        while cut > 0:
            try:
                record = json.loads(line[cut:])
                if isinstance(record, dict) and {"b", "t", "r"} <= record.keys():
                    break
            except ValueError:
                pass
            cut = line.find(RECORD_START, cut + 1)
        if cut > 0:
            return CorruptRecord(batch_id, table, rows, "record cut short", self.offset + cut)
        return CorruptRecord(batch_id, table, rows, "unreadable record", self.offset + len(line))

    def confirm(self, batch: SpilledBatch | CorruptRecord) -> None:
        """`batch` is in the database (or skipped): move past it, drop the files once all is read.

        The offset side file only saves work after a restart (the ledger skips a batch sent
        twice), so failing to write it (a full disk) is not an error."""
        self.offset = batch.end
        if self.offset >= self.size():
            self.reset()
            return
        tmp = self.offset_path.with_suffix(".tmp")
        try:
            tmp.write_text(str(self.offset))
            os.replace(tmp, self.offset_path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def reset(self) -> None:
        self.close()
        for p in (self.path, self.offset_path):
            p.unlink(missing_ok=True)
        self.offset = 0
        self._torn = False

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        if self._read is not None:
            self._read.close()
        self._fd = self._read = None
