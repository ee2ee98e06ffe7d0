"""The replay server runs in a child process; it is gone once `replay` ends, whatever the way:
done, failed, SIGTERM or Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exchanges.capture import write_capture
from exchanges.replay.process import PROCESS_NAME
from tests.exchanges.replay.conftest import SPOT_REST, SPOT_WS, line

ROOT = Path(__file__).resolve().parents[3]
DEPTH = "btcusdt@depth@100ms"


def children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children") as fh:
            out |= {int(p) for p in fh.read().split()}
    return out


def servers(pid: int) -> set[int]:
    """The replay server processes among a process's children (they name themselves)."""
    out = set()
    for child in children(pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if Path(f"/proc/{child}/comm").read_text().strip() == PROCESS_NAME:
                out.add(child)
    return out


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def wait_for(condition, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s: {what}")


def spot_capture(path: Path, *, gap: float) -> Path:
    """A snapshot and three depth frames `gap` seconds apart (at --speed 1, a slow replay)."""
    t0 = 1_700_000_000.0
    snapshot = json.dumps({"lastUpdateId": 10, "bids": [["100.0", "1"]], "asks": [["101.0", "1"]]})
    lines = [
        line("open", SPOT_WS, ts=t0),
        line("http", f"{SPOT_REST}?symbol=BTCUSDT&limit=1000", snapshot, ts=t0),
    ]
    for n in range(3):
        event = {"e": "depthUpdate", "E": 1, "s": "BTCUSDT", "U": 11 + n, "u": 11 + n}
        event |= {"b": [["100.0", str(2 + n)]], "a": []}
        lines.append(line("ws", SPOT_WS, json.dumps({"stream": DEPTH, "data": event}), ts=t0 + n * gap))
    write_capture(path, lines)
    return path


def test_no_server_process_left_after_a_replay(tmp_path):
    before = children(os.getpid())
    out = tmp_path / "books.json"
    call_command(
        "replay", str(spot_capture(tmp_path / "c.jsonl", gap=0.001)), "--books-out", str(out), "--quiet"
    )
    assert json.loads(out.read_text())["binance:BTCUSDT"]["bids"] == [["100", "4"]]
    assert children(os.getpid()) <= before


def test_no_server_process_left_after_a_failed_replay(tmp_path):
    before = children(os.getpid())
    capture = tmp_path / "none.jsonl"
    write_capture(capture, [line("http", f"{SPOT_REST}/ping", "{}")])  # no instrument with a book
    with pytest.raises(CommandError, match="names no instrument"):
        call_command("replay", str(capture), "--quiet")
    assert children(os.getpid()) <= before


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_no_server_process_left_when_the_replay_is_stopped(tmp_path, how):
    capture = spot_capture(tmp_path / "slow.jsonl", gap=600.0)  # at --speed 1 it would run 20 minutes
    env = {**os.environ, "MARKETAGG_VAR_DIR": str(tmp_path), "MARKETAGG_STORE_TICKS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "replay", str(capture), "--speed", "1", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a shell gives a foreground command
    )
    try:
        (server,) = wait_for(lambda: servers(proc.pid), "the replay server process started")
        if how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        proc.communicate(timeout=20)
        wait_for(lambda: not running(server), f"server process {server} ended after the replay's {how}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
