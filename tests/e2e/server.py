"""A real `manage.py serve --simulate` in a process of its own, for the browser tests.

Embedded default (SQLite in a temporary folder, in-memory channel layer), fixed ports so that a
restarted server is found at the same address, a short staleness limit so a stalled venue shows
within seconds, and an admin user for the admin steps.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN = ("e2e-admin", "e2e-password-not-secret")
STALE_AFTER = 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str, every: float = 0.2):
    """Poll `condition` until it gives something truthy; fail naming `what` after `timeout`."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = condition()
        except (OSError, ValueError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout}s (last: {last!r:.300})")


class ServeProcess:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.simulator_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.simulator = f"http://127.0.0.1:{self.simulator_port}"
        self.proc: subprocess.Popen | None = None
        self.log = var_dir / "serve.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(MARKETAGG_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1", MARKETAGG_LOG_LEVEL="WARNING")

    def prepare(self) -> None:
        self.manage("migrate", "-v0")
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; from exchanges.models import Instrument; "
            f"User.objects.create_superuser({ADMIN[0]!r}, 'e2e@example.com', {ADMIN[1]!r}); "
            f"Instrument.objects.update(stale_after={STALE_AFTER})",
        )

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                "--simulate",
                "--port",
                str(self.port),
                "--simulator-port",
                str(self.simulator_port),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        wait_until(
            lambda: self.get("/healthz", ok_only=False) is not None, timeout=60, what="serve answering"
        )

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def get(self, path: str, *, ok_only: bool = True):
        """The JSON answer, or None when the server does not answer (or not with 200 if ok_only)."""
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"serve exited with {self.proc.returncode}; see {self.log}")
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return None if ok_only else json.loads(exc.read() or b"{}")
        except OSError:
            return None

    def text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            return response.read().decode()

    def control(self, action: str, venue: str) -> None:
        request = urllib.request.Request(f"{self.simulator}/control/{action}?venue={venue}", method="POST")
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    def instrument_id(self, venue: str, symbol: str) -> int:
        with sqlite3.connect(self.var_dir / "marketagg.sqlite3") as db:
            (row,) = db.execute(
                "SELECT i.id FROM exchanges_instrument i JOIN exchanges_exchange e ON e.id = i.exchange_id "
                "WHERE e.venue = ? AND i.symbol = ?",
                (venue, symbol),
            )
        return row[0]

    def wait_healthy(self, timeout: float = 60) -> dict:
        """/healthz 200: every enabled instrument live (what a load balancer waits for)."""
        return wait_until(lambda: self.get("/healthz"), timeout=timeout, what="/healthz 200")

    def wait_books_live(self, pair: str = "BTC-USDT", timeout: float = 60) -> dict:
        def filled():
            book = self.get(f"/api/book/{pair}?depth=25")
            if book and len(book["bids"]) >= 25 and len(book["asks"]) >= 25:
                if all(m["state"] == "live" for m in book["members"]):
                    return book
            return None

        return wait_until(filled, timeout=timeout, what=f"{pair} filled with every venue live")
