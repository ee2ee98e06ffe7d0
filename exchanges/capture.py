"""The capture format: recorded exchange traffic, one JSON object a line (docs/captures.md).

| t      | meaning                                                    |
| ------ | ---------------------------------------------------------- |
| `open` | a WebSocket connection was opened to `url` (no `data`)     |
| `sent` | the client sent `data` on the socket at `url`              |
| `ws`   | a frame received on the socket at `url`                    |
| `http` | the body of a GET answer from `url`                        |

`ts` is the receive time in Unix seconds. `record` writes this format through `CaptureWriter`
(the feed supervisor's tap); `replay` reads it back with `read_capture`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Annotated, Literal

import msgspec

KINDS = ("open", "sent", "ws", "http")
# A capture is read in blocks of about this many bytes, cut at a line end.
READ_BLOCK = 32 << 20


class CaptureError(Exception):
    """A capture that cannot be read: missing, unreadable, or not in the capture format."""


class CaptureLine(msgspec.Struct, frozen=True, gc=False):
    """One line. A msgspec struct (read_capture decodes the file straight into these), untracked by
    the garbage collector: it holds only strings and a number, and a capture has millions."""

    t: Literal["open", "sent", "ws", "http"]
    ts: float
    url: Annotated[str, msgspec.Meta(min_length=1)]
    data: str | None = None

    def to_json(self) -> str:
        obj: dict = {"t": self.t, "ts": self.ts, "url": self.url}
        if self.data is not None:
            obj["data"] = self.data
        # ensure_ascii=False keeps frames as they came; json escapes what a line needs (newlines).
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def parse_line(text: str, *, where: str = "") -> CaptureLine:
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise CaptureError(f"{where}not a JSON object: {exc}") from None
    if not isinstance(obj, dict):
        raise CaptureError(f"{where}not a JSON object")
    t, ts, url, data = obj.get("t"), obj.get("ts"), obj.get("url"), obj.get("data")
    if t not in KINDS:
        raise CaptureError(f"{where}unknown line type {t!r} (expected one of {', '.join(KINDS)})")
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        raise CaptureError(f"{where}'ts' is not a number")
    if not isinstance(url, str) or not url:
        raise CaptureError(f"{where}'url' is missing")
    if data is not None and not isinstance(data, str):
        raise CaptureError(f"{where}'data' is not a string")
    if t != "open" and data is None:
        raise CaptureError(f"{where}a {t!r} line without 'data'")
    return CaptureLine(t=t, ts=float(ts), url=url, data=data)


def read_capture(path: str | os.PathLike) -> list[CaptureLine]:
    """Every line of a capture file, in order. Blank lines are skipped; anything else odd raises.

    The fast path decodes blocks of whole lines straight into CaptureLine; a block it refuses (or
    a line with `data` missing) sends the file through `parse_line`, line by line, which names the
    line and what is wrong with it."""
    p = Path(path)
    try:
        handle = p.open("rb")
    except FileNotFoundError:
        raise CaptureError(f"capture not found: {p}") from None
    except OSError as exc:
        raise CaptureError(f"cannot read capture {p}: {exc.strerror or exc}") from None
    lines: list[CaptureLine] = []
    try:
        with handle:
            rest = b""
            while True:
                block = handle.read(READ_BLOCK)
                if not block:
                    break
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut and not _decode_block(block[:cut], lines):
                    return _read_capture_checked(p)
            if rest and not _decode_block(rest, lines):
                return _read_capture_checked(p)
    except OSError as exc:
        raise CaptureError(f"cannot read capture {p}: {exc.strerror or exc}") from None
    return lines


_decode = msgspec.json.Decoder(CaptureLine).decode


def _decode_block(block: bytes, into: list[CaptureLine]) -> bool:
    """Decode whole lines into `into`; False (and nothing added) where a line is not a good one.

    Line by line, so a line holds exactly one object, as parse_line asks (msgspec's decode_lines
    would also take two objects on one line, or one over two)."""
    texts = block.split(b"\n")
    if b"\r" in block and any(b"\r" in text[:-1] for text in texts):
        return False  # a lone CR ends a line in text mode too: leave it to the slow path
    try:
        decoded = [_decode(text) for text in texts if text]
    except (msgspec.DecodeError, UnicodeDecodeError):
        return False  # includes a line of blanks only: the slow path skips it
    for line in decoded:
        if line.data is None and line.t != "open":
            return False
    _share_urls(decoded, into[-1].url if into else None)
    into.extend(decoded)
    return True


_force = msgspec.structs.force_setattr


def _share_urls(lines: list[CaptureLine], last: str | None) -> None:
    """Lines naming the URL of the line before them take that line's string. Every line names its
    connection's URL (a Binance combined stream's runs to hundreds of characters) and a run of
    lines names the same one, which each decoded line would otherwise hold a copy of: a
    million-frame capture of 20 symbols holds about 480 MB less (replay: 1.38 GB resident, 0.90 GB)."""
    for line in lines:
        url = line.url
        if url == last:
            _force(line, "url", last)
        else:
            last = url


def _read_capture_checked(p: Path) -> list[CaptureLine]:
    """The slow path: each line through parse_line, for the error that names the line."""
    lines: list[CaptureLine] = []
    try:
        with p.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                if text.strip():
                    lines.append(parse_line(text, where=f"{p}:{number}: "))
    except UnicodeDecodeError as exc:
        raise CaptureError(f"capture {p} is not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise CaptureError(f"cannot read capture {p}: {exc.strerror or exc}") from None
    return lines


def write_capture(path: str | os.PathLike, lines: Iterable[CaptureLine]) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line.to_json())
            out.write("\n")


class CaptureWriter:
    """Appends traffic to a capture file; usable as the feed supervisor's `tap`.

    `rewrite` maps URL prefixes to what the file should say instead: recording against the
    simulator or an endpoint override still writes the venue's real URLs, so the hosts in the
    file name the venue (HOST_VENUES) and `replay` can serve it.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        rewrite: Mapping[str, str] | None = None,
        flush_every: int = 200,
    ) -> None:
        self.path = Path(path)
        self.rewrite: list[tuple[str, str]] = []
        self.set_rewrite(rewrite or {})
        self.flush_every = flush_every
        self.lines = 0
        self.counts = dict.fromkeys(KINDS, 0)
        self._pending = 0
        self._out: IO[str] | None = self.path.open("w", encoding="utf-8")

    def set_rewrite(self, rewrite: Mapping[str, str]) -> None:
        # Longest prefix first, so a venue's path-prefixed base wins over a bare host.
        self.rewrite = sorted(
            ((k.rstrip("/"), v.rstrip("/")) for k, v in rewrite.items() if k != v),
            key=lambda kv: len(kv[0]),
            reverse=True,
        )

    def url(self, url: str) -> str:
        for prefix, replacement in self.rewrite:
            # Whole path segments only: ".../binance" must not take ".../binance-usdm/...".
            if url.startswith(prefix) and url[len(prefix) : len(prefix) + 1] in ("", "/", "?"):
                return replacement + url[len(prefix) :]
        return url

    def __call__(self, kind: str, url: str, data: str | None, ts: float) -> None:
        if self._out is None or kind not in KINDS:
            return
        line = CaptureLine(t=kind, ts=ts, url=self.url(url), data=None if kind == "open" else (data or ""))
        self._out.write(line.to_json())
        self._out.write("\n")
        self.lines += 1
        self.counts[kind] += 1
        self._pending += 1
        # A killed process loses at most a few hundred lines; flushing each line would cost a syscall a frame.
        if self._pending >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if self._out is not None:
            self._out.flush()
            self._pending = 0

    def close(self) -> None:
        if self._out is not None:
            self._out.flush()
            self._out.close()
            self._out = None

    def __enter__(self) -> CaptureWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
