"""A disk that fills up, for one file: `os.write` on that file behaves as on a full filesystem.

Only writes to the named file are affected (every other descriptor goes straight to the OS), and
the rest of the file system is real: the file grows, is cut, is read back by the code under test.
As on a real disk, a write that does not fit writes the part that does and returns its length;
the next one raises ENOSPC. Cutting the file (ftruncate) gives the space back.

Code that opens the file with `open()` in a binary write mode gets Python's own buffered writer
over a raw file whose writes go through the same `os.write`, so buffering behaves as it does on a
real full disk (a partial write leaves the rest in the buffer, to be written later).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path


class _RawFile(io.RawIOBase):
    """A raw file on a descriptor whose writes call `os.write` (so FullDisk sees them)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return os.write(self.fd, data)

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


class FullDisk:
    def __init__(self, monkeypatch, path: Path, *, capacity: int | None = None) -> None:
        self.path = str(Path(path).resolve())
        self.capacity = capacity  # None: room for anything
        self.refused = 0  # writes refused with ENOSPC
        self.partial = 0  # writes cut short
        self._write = os.write
        self._open = builtins.open
        monkeypatch.setattr(os, "write", self.write)
        monkeypatch.setattr(builtins, "open", self.open)

    def open(self, file, mode="r", *args, **kwargs):
        ours = isinstance(file, (str, os.PathLike)) and os.path.abspath(file) == self.path
        if not ours or "b" not in mode or not {"a", "w"} & set(mode) or "+" in mode:
            return self._open(file, mode, *args, **kwargs)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
        return io.BufferedWriter(_RawFile(os.open(file, flags, 0o644)))

    def fill(self, *, room: int) -> None:
        """From now on the file may grow by `room` more bytes."""
        self.capacity = self._size() + room

    def free(self) -> None:
        self.capacity = None

    def _size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except FileNotFoundError:
            return 0

    def _is_ours(self, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}") == self.path
        except OSError:
            return False

    def write(self, fd: int, data) -> int:
        if self.capacity is None or not self._is_ours(fd):
            return self._write(fd, data)
        room = self.capacity - os.fstat(fd).st_size
        if room <= 0:
            self.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if len(data) > room:
            self.partial += 1
            return self._write(fd, bytes(data[:room]))
        return self._write(fd, data)
