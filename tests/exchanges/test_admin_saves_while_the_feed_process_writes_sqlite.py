"""On the embedded default (`make demo`: SQLite, web and feeds in one process) an admin save never
fails with "database is locked" while the feed process writes ticks and states: the admin's
transaction reads, then writes, and SQLite refuses that upgrade at once once another connection
has written since; it must wait for the lock instead (1 save in 5 failed with a 500 here)."""

import asyncio
import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.exchanges.processes import ROOT, process_env, read_until


class AdminClient:
    """A browser's part: a session cookie, the CSRF token, form posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.read().decode()

    def post(self, path: str, data: dict) -> int:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def live_books(base: str) -> int:
    with urllib.request.urlopen(base + "/api/status", timeout=10) as answer:
        return sum(1 for b in json.load(answer)["instruments"] if b["state"] == "live")


def edit_many(base: str, times: int) -> list[int]:
    admin = AdminClient(base)
    admin.get("/admin/login/")
    assert admin.post("/admin/login/?next=/admin/", {"username": "admin", "password": "pw"}) == 200
    page = admin.get("/admin/exchanges/instrument/?q=ETHUSDT")
    pk = re.search(
        r'value="(\d+)"[^>]*aria-label="Select this object for an action - binance:ETHUSDT"', page
    )[1]
    exchange = re.search(
        r'value="(\d+)"[^>]*aria-label="Select this object for an action - binance"',
        admin.get("/admin/exchanges/exchange/"),
    )[1]
    codes = []
    for i in range(times):
        form = {
            "exchange": exchange,
            "symbol": "ETHUSDT",
            "pair": "ETH-USDT",
            "base": "ETH",
            "quote": "USDT",
            "kind": "spot",
            "tick_size": "0.01",
            "contract_size": "",
            "consolidate_into": "",
            "enabled": "on",
            "depth": str(900 + i),
            "stale_after": "30",
            "_save": "Save",
        }
        codes.append(admin.post(f"/admin/exchanges/instrument/{pk}/change/", form))
        time.sleep(0.2)  # a person's pace: the feed process writes in between
    return codes


async def test_admin_saves_never_meet_a_locked_database(tmp_path):
    env = process_env(tmp_path, DJANGO_SUPERUSER_PASSWORD="pw")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "admin",
            "--email",
            "a@example.com",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "manage.py",
        "serve",
        "--simulate",
        "--port",
        str(port),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await read_until(server, "marketagg serving on", timeout=60)
        deadline = time.monotonic() + 60
        while await asyncio.to_thread(live_books, base) < 8:
            assert time.monotonic() < deadline, "the demo's books never went live"
            await asyncio.sleep(0.5)

        codes = await asyncio.to_thread(edit_many, base, 30)

        assert codes == [200] * 30, f"admin saves failed: {codes}"
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 20)
