"""The replay server in a process of its own, so the server and the replaying client each get a core.

The child is forked from the replaying process: it takes the capture's lines as they are in
memory (nothing is copied or pickled up front), serves them with a ReplayServer on its own event
loop and reports over a pipe: once where each venue is served, then every change of the frames
sent, of "exhausted" and of "pacing". The parent reads those reports on its own loop, so
`ServedCapture` answers like a ReplayServer does (endpoints, exhausted, pacing, frames).

The child ends when the parent closes the control pipe: on `stop()`, and also when the parent
dies whatever the way (SIGTERM, SIGKILL: the kernel closes the parent's end). It ignores SIGINT:
Ctrl-C reaches the whole process group, and the parent stops it in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from multiprocessing.connection import Connection

from exchanges.capture import CaptureLine
from exchanges.types import Endpoints

# How often the child looks for a change to report (frames sent, exhausted, pacing).
REPORT_EVERY = 0.01
# How long `stop()` waits for the child to close its sockets and exit before it is killed.
STOP_WAIT = 5.0
PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
PROCESS_NAME = "replay-server"  # at most 15 bytes (the kernel's comm)


class ServerProcessError(Exception):
    """The server process could not start serving the capture."""


class ServedCapture:
    """A ReplayServer running in a forked child process, seen from the parent."""

    def __init__(self, lines: list[CaptureLine], *, speed: float | None = None) -> None:
        self._lines = lines
        self._speed = speed
        self.process: multiprocessing.process.BaseProcess | None = None
        self._status: Connection | None = None
        self._control: Connection | None = None
        self._endpoints: dict[str, Endpoints] = {}
        self._hosts: list[tuple[str | None, int]] = []  # (venue, frames recorded) per WebSocket host
        self._sent: list[int] = []
        self._exhausted = False
        self._pacing = False
        self._ready: asyncio.Future | None = None
        self._ended: asyncio.Future | None = None

    # ---- life ----------------------------------------------------------------------------
    async def start(self) -> ServedCapture:
        self.launch()
        await self.ready()
        return self

    def launch(self) -> None:
        """Fork the server process; it reads the capture into its hosts while the caller goes on."""
        loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("fork")
        status_r, status_w = context.Pipe(duplex=False)
        control_r, control_w = context.Pipe(duplex=False)
        self._status, self._control = status_r, control_w
        self._ready = loop.create_future()
        self._ended = loop.create_future()
        # Whatever sits in the parent's buffers would be written twice, once by each process.
        sys.stdout.flush()
        sys.stderr.flush()
        self.process = context.Process(
            target=_child,
            args=(self._lines, self._speed, status_w, control_r, (status_r, control_w)),
            name=PROCESS_NAME,
            daemon=True,
        )
        self.process.start()
        status_w.close()
        control_r.close()
        loop.add_reader(status_r.fileno(), self._read)

    async def ready(self) -> None:
        """Wait until every host is served (endpoints() answers); ServerProcessError if it cannot."""
        await asyncio.shield(self._ready)

    async def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if self._control is not None:
            self._control.close()  # the child sees the end of its control pipe and stops
            self._control = None
        if self._ended is not None and not self._ended.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._ended), STOP_WAIT)
        process.join(0.5)
        if process.is_alive():
            process.terminate()
            process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()
        self._close_status()

    async def __aenter__(self) -> ServedCapture:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def _close_status(self) -> None:
        if self._status is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._status.fileno())
            self._status.close()
            self._status = None

    def _read(self) -> None:
        status = self._status
        try:
            while status is not None and status.poll():
                self._take(status.recv())
        except (EOFError, OSError):
            self._on_end()

    def _take(self, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            _, self._endpoints, self._hosts = message
            self._sent = [0] * len(self._hosts)
            if not self._ready.done():
                self._ready.set_result(None)
        elif kind == "progress":
            _, self._sent, self._exhausted, self._pacing = message
        elif kind == "error" and not self._ready.done():
            self._ready.set_exception(ServerProcessError(message[1]))

    def _on_end(self) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            loop.remove_reader(self._status.fileno())
        if not self._ready.done():
            self.process.join(1.0)
            self._ready.set_exception(
                ServerProcessError(
                    f"the replay server process ended before serving (exit code {self.process.exitcode})"
                )
            )
        if not self._ended.done():
            self._ended.set_result(None)

    # ---- what a ReplayServer answers -------------------------------------------------------
    def endpoints(self) -> dict[str, Endpoints]:
        return dict(self._endpoints)

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    @property
    def pacing(self) -> bool:
        return self._pacing

    def frames(self) -> dict[str, tuple[int, int]]:
        """venue -> (frames sent, frames recorded)."""
        out: dict[str, tuple[int, int]] = {}
        for (venue, total), sent in zip(self._hosts, self._sent, strict=True):
            s, t = out.get(venue, (0, 0))
            out[venue] = (s + sent, t + total)
        return out

    @property
    def frames_sent(self) -> int:
        return sum(self._sent)

    @property
    def frames_total(self) -> int:
        return sum(total for _, total in self._hosts)


# ---- the child ---------------------------------------------------------------------------
def _child(lines, speed, status: Connection, control: Connection, parent_ends) -> None:
    for end in parent_ends:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    # Forked from inside the parent's running loop: that loop is not this process's.
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    code = asyncio.run(_serve(lines, speed, status, control))
    sys.exit(code)


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent goes, even before the control pipe is read;
    and name it (ps -o comm, /proc/PID/comm) for what it is."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(PROCESS_NAME.encode()), 0, 0, 0)
    if os.getppid() == 1:
        os._exit(1)


async def _serve(lines, speed, status: Connection, control: Connection) -> int:
    from exchanges.replay.server import ReplayServer

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def parent_done() -> None:  # data or end of file on the control pipe
        loop.remove_reader(control.fileno())
        stop.set()

    loop.add_reader(control.fileno(), parent_done)
    server = ReplayServer(lines, speed=speed)
    try:
        await server.start()
    except Exception as exc:
        status.send(("error", f"the replay server could not start: {exc!r}"))
        await server.stop()
        return 1
    hosts = list(server.ws_hosts.values())
    status.send(("ready", server.endpoints(), [(h.venue, h.total) for h in hosts]))
    last = None
    try:
        while not stop.is_set():
            state = ([h.sent for h in hosts], server.exhausted, server.pacing)
            if state != last:
                status.send(("progress", *state))
                last = state
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), REPORT_EVERY)
    finally:
        await server.stop()
    with contextlib.suppress(OSError):
        status.send(("progress", [h.sent for h in hosts], server.exhausted, False))
    return 0
