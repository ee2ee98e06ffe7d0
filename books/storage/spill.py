"""The writer's append-only spill file: batches the database could not take yet, in order.

One JSON line per batch (`{"b": id, "t": table, "r": rows}`), appended and flushed to the OS at
once, so a crash of the process loses nothing already spilled. A side file holds the byte offset
of the first batch not yet in the database; it moves only after that batch is committed. A batch
committed but not yet marked (crash in between) is sent again and skipped by the database's batch
ledger, so catching up never duplicates. When everything is read, both files go.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SpilledBatch:
    batch_id: str
    table: str
    rows: list  # encoded rows (books.storage.tables.encode_row)
    end: int  # file offset just past this record


class SpillFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.offset_path = self.path.with_suffix(self.path.suffix + ".offset")
        self._append = None
        self._read = None
        self.offset = 0
        self.corrupt_records = 0  # incomplete last lines found at open (a crash mid-write)
        self._open()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self._cut_incomplete_tail()
            try:
                self.offset = int(self.offset_path.read_text().strip() or 0)
            except (FileNotFoundError, ValueError):
                self.offset = 0
            self.offset = min(self.offset, self.path.stat().st_size)

    def _cut_incomplete_tail(self) -> None:
        size = self.path.stat().st_size
        if size == 0:
            return
        with open(self.path, "rb+") as fh:
            fh.seek(max(size - 1, 0))
            if fh.read(1) == b"\n":
                return
            # Find the last complete line and cut after it.
            chunk = 1 << 16
            pos = size
            keep = 0
            while pos > 0:
                start = max(pos - chunk, 0)
                fh.seek(start)
                data = fh.read(pos - start)
                nl = data.rfind(b"\n")
                if nl >= 0:
                    keep = start + nl + 1
                    break
                pos = start
            fh.truncate(keep)
            self.corrupt_records += 1

    @property
    def pending(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > self.offset

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def append(self, *, batch_id: str, table: str, rows: list) -> int:
        """Append one batch; returns the bytes written."""
        if self._append is None:
            self._append = open(self.path, "ab")
        line = json.dumps({"b": batch_id, "t": table, "r": rows}, separators=(",", ":")).encode() + b"\n"
        self._append.write(line)
        self._append.flush()
        return len(line)

    def peek(self) -> SpilledBatch | None:
        """The first batch not yet confirmed written, or None."""
        if not self.pending:
            return None
        if self._read is None:
            self._read = open(self.path, "rb")
        self._read.seek(self.offset)
        line = self._read.readline()
        if not line.endswith(b"\n"):
            return None
        record = json.loads(line)
        return SpilledBatch(record["b"], record["t"], record["r"], self.offset + len(line))

    def confirm(self, batch: SpilledBatch) -> None:
        """`batch` is in the database: move past it, and drop the files once all is read."""
        self.offset = batch.end
        if self.offset >= self.size():
            self.reset()
            return
        tmp = self.offset_path.with_suffix(".tmp")
        tmp.write_text(str(self.offset))
        os.replace(tmp, self.offset_path)

    def reset(self) -> None:
        self.close()
        for p in (self.path, self.offset_path):
            p.unlink(missing_ok=True)
        self.offset = 0

    def sync(self) -> None:
        if self._append is not None:
            self._append.flush()
            os.fsync(self._append.fileno())

    def close(self) -> None:
        for fh in (self._append, self._read):
            if fh is not None:
                fh.close()
        self._append = self._read = None
