"""Live latency: a venue change reaching a browser's WebSocket, with 100 clients on one pair while
the simulator sends 5,000 venue messages a second.

A `simulate_exchanges` process streaming only the seeded instruments (`--only`; rate per instrument
= 5,000 / instruments) feeds marketagg run as a user runs it, in one of two topologies:
- `split`, the production one of docker-compose.yml: `manage.py runfeeds` (feeds, every sink,
  live publisher) and a `daphne marketagg.asgi:application` web process, joined by Redis (channel
  layer and live store; BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, emptied first);
- `serve`, the one process of `make run` / `make demo` (web and feeds in one event loop).
The admin's endpoint overrides point the feeds at the simulator. 100 WebSocket clients watch
`/ws/book/BTC-USDT/`; for each message a client receives, latency = receive time - the payload's
`ts` (the time of the newest venue change in it, stamped by the simulator when it made the frame).
The clients only read the clock as a message arrives; messages are parsed after the run.

Besides p50/p99/max the result gives each process's CPU seconds during the run (`cpu_s`), the
p50/p99 of three stages (`stages_ms`: ts to the feed's `published_at`, to the web's `sent_at`, to
the receive time) and `messages_file`, every message's times as JSON rows.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exchanges.defaults import INSTRUMENTS
from tests.e2e.server import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 100
VENUE_MSGS_PER_S = 5_000
SECONDS = 20


REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _env(var_dir: str, *, topology: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(MARKETAGG_VAR_DIR=var_dir, PYTHONUNBUFFERED="1", MARKETAGG_LOG_LEVEL="WARNING")
    if topology == "split":
        env["REDIS_URL"] = REDIS
    return env


def _marketagg(topology: str, web_port: int) -> list[list[str]]:
    """The commands of marketagg's processes in `topology`."""
    if topology == "serve":
        return [[sys.executable, "manage.py", "serve", "--port", str(web_port)]]
    web = [sys.executable, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(web_port)]
    return [[sys.executable, "manage.py", "runfeeds"], [*web, "marketagg.asgi:application"]]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


async def _clients(url: str, n: int, seconds: float) -> list[list[tuple[float, str]]]:
    """Each client's messages as (receive time, text); the text is parsed only after the run.

    All the clients share this one process (a browser is its own): parsing a message in the
    receive loop would delay the receive times of the clients served after it, so the loop only
    reads the clock and keeps the text.
    """
    import aiohttp

    received: list[list[tuple[float, str]]] = []

    async def one(session) -> None:
        ws_url = url.replace("http", "ws") + "/ws/book/BTC-USDT/"
        mine: list[tuple[float, str]] = []
        received.append(mine)
        async with session.ws_connect(ws_url, headers={"Origin": url}, max_msg_size=0) as ws:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                msg = await ws.receive(timeout=10)
                mine.append((time.time(), msg.data))

    # Nor does the collector walk what the clients keep (tens of thousands of messages by the end):
    # its pauses would delay receive times too. Their garbage is freed by reference counting.
    gc.disable()
    try:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(one(session) for _ in range(n)))
    finally:
        gc.enable()
    return received


def _stages(
    received: list[list[tuple[float, str]]], rows: list
) -> tuple[list[float], dict[str, list[float]]]:
    """Each message's latency (receive time - ts), and its stages: the feed process's (ts to
    published_at), the web process's (to sent_at) and the socket's with the client's (to receive).
    `rows` gets [client, version, ts, published_at, sent_at, receive time] for each message."""
    latencies: list[float] = []
    stages: dict[str, list[float]] = {"feed": [], "web": [], "socket": []}
    for client, mine in enumerate(received):
        # The first message is the state on joining, not a fresh change.
        for now, text in mine[1:]:
            payload = json.loads(text)
            ts = payload.get("ts")
            if not ts:
                continue
            latencies.append(now - float(ts))
            published, sent = payload.get("published_at"), payload.get("sent_at")
            rows.append([client, payload.get("version"), ts, published, sent, now])
            if published and sent:
                stages["feed"].append(float(published) - float(ts))
                stages["web"].append(float(sent) - float(published))
                stages["socket"].append(now - float(sent))
    return latencies, stages


def measure(*, clients: int = CLIENTS, seconds: float = SECONDS, topology: str = "split") -> dict:
    var = tempfile.mkdtemp(prefix="bench-latency-")
    env = _env(var, topology=topology)
    if topology == "split":
        import redis

        redis.Redis.from_url(REDIS).flushdb()
    _manage(env, "migrate", "-v0")
    sim_port, web_port = free_port(), free_port()
    # The simulator streams exactly the seeded instruments, the ones marketagg reads: every venue
    # message is one that marketagg handles.
    seeded = [f"{venue}:{symbol}" for venue, symbol, *_ in INSTRUMENTS]
    rate = VENUE_MSGS_PER_S / len(seeded)
    _manage(
        env,
        "shell",
        "-c",
        "from exchanges.models import Exchange; from exchanges.selectors import simulator_endpoints\n"
        f"for venue, ep in simulator_endpoints({sim_port}).items():\n"
        "    Exchange.objects.filter(venue=venue).update(ws_url=ep.ws_url, rest_url=ep.rest_url)",
    )
    log = open(Path(var) / "bench.log", "ab")
    sim = [sys.executable, "manage.py", "simulate_exchanges", "--port", str(sim_port), "--rate", str(rate)]
    sim += ["--only", ",".join(seeded)]
    commands = [sim, *_marketagg(topology, web_port)]
    names = ["simulator", *(["serve"] if topology == "serve" else ["runfeeds", "daphne"])]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for command in commands
    ]
    url = f"http://127.0.0.1:{web_port}"
    try:
        import urllib.request

        def healthy():
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                return r.status == 200

        wait_until(healthy, timeout=90, what=f"marketagg ({topology}) healthy against the simulator")
        cpu_before = {name: _cpu_seconds(p.pid) for name, p in zip(names, procs, strict=True)}
        bench_before = sum(os.times()[:2])
        received = asyncio.run(_clients(url, clients, seconds))
        cpu = {name: _cpu_seconds(p.pid) - cpu_before[name] for name, p in zip(names, procs, strict=True)}
        cpu["clients"] = sum(os.times()[:2]) - bench_before
        rows: list = []
        lat, stages = _stages(received, rows)
        # Every message's times, to look at one burst or one client.
        (Path(var) / "messages.json").write_text(json.dumps(rows))
        lat.sort()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
    if not lat:
        raise RuntimeError(f"no message reached the clients; see {var}/bench.log")

    def q(values: list[float], f: float) -> float:
        return values[int(f * (len(values) - 1))] * 1000

    return {
        "clients": clients,
        "messages": len(lat),
        "p50_ms": q(lat, 0.5),
        "p99_ms": q(lat, 0.99),
        "max_ms": lat[-1] * 1000,
        "venue_msgs_per_s": VENUE_MSGS_PER_S,
        "topology": topology,
        "messages_file": str(Path(var) / "messages.json"),
        # CPU seconds each process used while the clients listened (the machine has 2 cores).
        "cpu_s": {name: round(v, 1) for name, v in cpu.items()},
        # Where the time goes (p50/p99 of each stage, ms), to read beside the total.
        "stages_ms": {
            name: [round(q(sorted(v), 0.5), 1), round(q(sorted(v), 0.99), 1)]
            for name, v in stages.items()
            if v
        },
    }


def results(*, quick: bool = False) -> list:
    from tests.perf.results import Result

    out = []
    for topology, key, what in (
        ("split", "latency", "runfeeds + web process on Redis (docker-compose)"),
        ("serve", "latency_serve", "one `serve` process (make run)"),
    ):
        r = measure(clients=20 if quick else CLIENTS, seconds=5 if quick else SECONDS, topology=topology)
        label = (
            f"venue change → browser WebSocket, {r['clients']} clients, "
            f"{r['venue_msgs_per_s']:,} venue msg/s, {what}"
        )
        target = "< 50 ms" if topology == "split" else ""
        out += [
            Result(f"{key}_p50_ms", f"{label}: p50", r["p50_ms"], "ms"),
            Result(
                f"{key}_p99_ms",
                f"{label}: p99",
                r["p99_ms"],
                "ms",
                target,
                r["p99_ms"] < 50 if target else None,
            ),
            Result(f"{key}_max_ms", f"{label}: max", r["max_ms"], "ms"),
        ]
    return out


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else CLIENTS
    print(measure(clients=clients, topology=sys.argv[2] if len(sys.argv) > 2 else "split"))
