"""Memory: the feed process's resident memory every 10 s over 5 minutes with 200 instruments.

Run as a user runs it, in a database of its own (marketagg_memory_bench on the PostgreSQL server
of DATABASE_URL, else a SQLite file) and the Redis of REDIS_URL (else TEST_REDIS_URL; without
either, the in-memory channel layer):

    simulate_exchanges --instruments 200          (10 depth messages/s per instrument, the default)
    sync_instruments --simulator-url ...          (the venues' lists, as a user loads them)
    every listed symbol added as an instrument    (what a user does in the admin)
    runfeeds --simulator-url ...                  (every sink: tick recorder, consolidated books,
                                                   live publisher and metrics)

VmRSS of the runfeeds process is read from /proc/<pid>/status every 10 s from its start; the
figure is the growth from minute 1 to minute 5. `python -m tests.perf.bench_memory diagnose
[--trace]` runs the same, counting what the feed process holds every 15 s (with --trace, diffing
tracemalloc snapshots of minute 1 and 5); `... stall [AT PAUSE SECONDS]` holds the feed process
still for PAUSE seconds at AT (SIGSTOP) and prints its VmRSS before and after.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.e2e.server import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENTS = 200
BENCH_DB = "marketagg_memory_bench"
ADD_LISTED = """
from books.conversion import default_consolidate_into
from exchanges.models import Instrument, ListedSymbol
for row in ListedSymbol.objects.select_related("exchange"):
    Instrument.objects.get_or_create(
        exchange=row.exchange, symbol=row.symbol,
        defaults=dict(pair=f"{row.base}-{row.quote}", base=row.base, quote=row.quote, kind=row.kind,
                      contract_size=row.contract_size, tick_size=row.tick_size,
                      consolidate_into=default_consolidate_into(
                          venue=row.exchange.venue, kind=row.kind, base=row.base, quote=row.quote)))
print(Instrument.objects.filter(enabled=True, exchange__enabled=True).count())
"""
COUNT_LIVE = """
from exchanges.models import FeedState
print(FeedState.objects.filter(state="live").exclude(symbol="").count())
"""


def vm_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def bench_database(var_dir: str):
    """The bench's DATABASE_URL: a fresh PostgreSQL database beside DATABASE_URL's (dropped after),
    or a SQLite file in `var_dir`."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{var_dir}/memory-bench.sqlite3"
        return
    import psycopg

    parts = urlsplit(url)
    admin = psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        yield urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.close()


def _manage(env: dict, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return out.stdout


def _stats(url: str) -> dict:
    import json

    with urllib.request.urlopen(url + "/control/stats", timeout=30) as r:
        return json.loads(r.read())


def measure(*, seconds: float = 300, every: float = 10, first: float = 60, feed_command=None) -> dict:
    """Samples of the feed process's VmRSS, and the growth from `first` seconds to the end.

    `feed_command`: what runs the feed process, given its runfeeds arguments (diagnose wraps it)."""
    var = tempfile.mkdtemp(prefix="bench-memory-")
    redis = os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL") or ""
    with bench_database(var) as database:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(
            DATABASE_URL=database, MARKETAGG_VAR_DIR=var, PYTHONUNBUFFERED="1", MARKETAGG_LOG_LEVEL="WARNING"
        )
        if redis:
            env["REDIS_URL"] = redis
        _manage(env, "migrate", "-v0")
        port = free_port()
        sim_url = f"http://127.0.0.1:{port}"
        log = open(Path(var) / "bench.log", "ab")  # noqa: SIM115 (closed below, after the processes)
        procs = []
        try:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "simulate_exchanges",
                        "--port",
                        str(port),
                        "--instruments",
                        str(INSTRUMENTS),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            wait_until(lambda: _stats(sim_url), timeout=60, what="simulate_exchanges answering")
            _manage(env, "sync_instruments", "--simulator-url", sim_url)
            enabled = int(_manage(env, "shell", "-c", ADD_LISTED).split()[-1])
            args = ["runfeeds", "--simulator-url", sim_url]
            command = feed_command(args) if feed_command else [sys.executable, "manage.py", *args]
            feed = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            procs.append(feed)
            started = time.monotonic()
            sent_before = _stats(sim_url)["messages_sent"]
            samples: list[tuple[float, int]] = []
            for k in range(int(seconds // every) + 1):
                due = started + k * every
                time.sleep(max(0.0, due - time.monotonic()))  # a sampling clock, not a wait for a condition
                if feed.poll() is not None:
                    raise RuntimeError(f"runfeeds exited ({feed.returncode}); see {var}/bench.log")
                samples.append((round(time.monotonic() - started, 1), vm_rss_kb(feed.pid)))
            sent = _stats(sim_url)["messages_sent"] - sent_before
            cpu = cpu_seconds(feed.pid)
            live = int(_manage(env, "shell", "-c", COUNT_LIVE).split()[-1])
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in procs:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
            log.close()
    at_first = next(rss for t, rss in samples if t >= first)
    at_end = samples[-1][1]
    return {
        "instruments": enabled,
        "live": live,
        "msgs_per_s": sent / (samples[-1][0] or 1),
        "cpu_pct": cpu / (samples[-1][0] or 1) * 100,  # a feed near 100% falls behind and queues
        "samples": samples,
        "first_s": first,
        "rss_first_mb": at_first / 1024,
        "rss_end_mb": at_end / 1024,
        "growth_pct": (at_end - at_first) / at_first * 100,
        "redis": bool(redis),
        "log": f"{var}/bench.log",
    }


def results(*, quick: bool = False) -> list:
    from tests.perf.results import Result

    r = measure(seconds=60, every=5, first=20) if quick else measure()
    span = f"{r['first_s'] / 60:g} to {r['samples'][-1][0] / 60:g} min"
    what = (
        f"feed process, {r['instruments']} instruments ({r['live']} live at the end), "
        f"{r['msgs_per_s']:,.0f} venue msg/s, every sink"
    )
    print(f"memory: the feed process used {r['cpu_pct']:.0f}% of a core on average", file=sys.stderr)
    series = ", ".join(f"{rss / 1024:.0f}" for _, rss in r["samples"])
    print(f"memory: VmRSS MB every {r['samples'][1][0]:g} s: {series}", file=sys.stderr)
    return [
        Result(
            "memory_rss_first_mb", f"{what}: resident memory at {r['first_s']:g} s", r["rss_first_mb"], "MB"
        ),
        Result("memory_rss_end_mb", f"{what}: at {r['samples'][-1][0]:g} s", r["rss_end_mb"], "MB"),
        Result(
            "memory_growth_pct",
            f"{what}: growth {span}",
            r["growth_pct"],
            "%",
            "< 10%",
            r["growth_pct"] < 10,
            f"{r['growth_pct']:+.1f}%",
        ),
    ]


# ---- diagnose: what the feed process holds, and tracemalloc --------------------------------------
def census() -> dict:
    """Counts of what could grow in the feed process: threads, tracked objects by type, book levels,
    the tick writer's queue, the connectors' price cache."""
    import collections
    import gc
    import threading

    objects = gc.get_objects()
    types = collections.Counter(type(o).__name__ for o in objects)
    out = {
        "rss_kb": vm_rss_kb(os.getpid()),
        "threads": threading.active_count(),
        "objects": len(objects),
        "top_types": types.most_common(12),
        "venue_levels": sum(
            len(o.bids.levels) + len(o.asks.levels) for o in objects if type(o).__name__ == "VenueBook"
        ),
        "writer_queue": sum(len(o._queue) for o in objects if type(o).__name__ == "TickWriter"),
    }
    out.update(malloc_info())
    out["python_blocks"] = sys.getallocatedblocks()
    levels = sys.modules.get("exchanges.connectors.levels")
    if levels is not None and hasattr(levels, "_prices"):
        out["price_cache"] = len(levels._prices)
    return out


def malloc_info() -> dict:
    """glibc's own account of its heap (mallinfo2), in KiB: what is in use, free but kept, mmapped."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd")
            + ("usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
        ]

    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    mallinfo2.restype = MallInfo2
    m = mallinfo2()
    return {
        "malloc_heap_kb": m.arena >> 10,
        "malloc_used_kb": m.uordblks >> 10,
        "malloc_free_kb": m.fordblks >> 10,
        "malloc_mmap_kb": m.hblkhd >> 10,
    }


def traced_feed(out_dir: str, at: list[float], trace: bool, args: list[str]) -> None:
    """Run `manage.py <args>`, writing a census (and with `trace`, a tracemalloc snapshot) at each
    of `at` seconds."""
    import json
    import threading
    import tracemalloc

    if trace:
        tracemalloc.start(15)
    started = time.monotonic()

    def dump() -> None:
        for k, t in enumerate(at):
            time.sleep(max(0.0, started + t - time.monotonic()))  # a sampling clock
            with open(f"{out_dir}/census.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"t": round(time.monotonic() - started), **census()}) + "\n")
            if trace and k in (0, len(at) - 1):
                tracemalloc.take_snapshot().dump(f"{out_dir}/{0 if k == 0 else 1}.snap")

    threading.Thread(target=dump, daemon=True).start()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *args])


def diagnose(seconds: float = 300, first: float = 60, top: int = 25, trace: bool = False) -> None:
    import tracemalloc

    out = tempfile.mkdtemp(prefix="bench-memory-diag-")
    at = [first / 2 + 15 * k for k in range(int((seconds - 5 - first / 2) // 15) + 1)]

    def command(args: list[str]) -> list[str]:
        code = f"from tests.perf.bench_memory import traced_feed; traced_feed({out!r}, {at!r}, {trace!r}, {args!r})"
        return [sys.executable, "-c", code]

    r = measure(seconds=seconds, every=10, first=first, feed_command=command)
    print(
        f"VmRSS {r['rss_first_mb']:.0f} MB at {first:g} s, {r['rss_end_mb']:.0f} MB at the end, {r['cpu_pct']:.0f}% CPU"
    )
    print(f"samples (s, KiB): {r['samples']}")
    print(Path(f"{out}/census.jsonl").read_text())
    if not trace:
        return
    before = tracemalloc.Snapshot.load(f"{out}/0.snap")
    after = tracemalloc.Snapshot.load(f"{out}/1.snap")
    for stat in after.compare_to(before, "lineno")[:top]:
        print(f"{stat.size_diff / 1024:+10.0f} KiB {stat.count_diff:+8d} blocks  {stat.traceback[0]}")
    for stat in after.compare_to(before, "traceback")[:top]:
        print(f"{stat.size_diff / 1024:+10.0f} KiB {stat.count_diff:+8d} blocks")
        for line in stat.traceback.format()[-8:]:
            print("    " + line)


def stalled_feed(at: float, pause: float, args: list[str]) -> None:
    """Run `manage.py <args>`, held still (SIGSTOP) for `pause` seconds at `at` seconds, as a busy
    machine can hold it: the backlog it then catches up with shows in its memory."""
    pid = os.getpid()
    subprocess.Popen(["sh", "-c", f"sleep {at}; kill -STOP {pid}; sleep {pause}; kill -CONT {pid}"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *args])


def stall(at: float = 100, pause: float = 3, seconds: float = 130) -> None:
    def command(args: list[str]) -> list[str]:
        code = f"from tests.perf.bench_memory import stalled_feed; stalled_feed({at!r}, {pause!r}, {args!r})"
        return [sys.executable, "-c", code]

    r = measure(seconds=seconds, every=5, first=60, feed_command=command)
    print(f"held still {pause:g} s at {at:g} s; VmRSS MB every 5 s:")
    print(", ".join(f"{t:g}: {kb / 1024:.0f}" for t, kb in r["samples"]))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    if sys.argv[1:2] == ["diagnose"]:
        diagnose(*(float(a) for a in sys.argv[2:3] if a != "--trace"), trace="--trace" in sys.argv)
    elif sys.argv[1:2] == ["stall"]:
        stall(*(float(a) for a in sys.argv[2:5]))
    else:
        print(measure(seconds=float(sys.argv[1]) if len(sys.argv) > 1 else 300))
