"""`make bench`: run every benchmark, print one table, write bench/results.json and the README table.

Not part of `make test`: speed is measured here, never asserted in tests. Sections can be run
alone (`--only feed,books`); `--quick` uses small inputs for a smoke run (its figures are not
written to the README).

The memory section runs first when it is asked for with the feed, storage or replay section: its
five minutes of sampling leave a core free, and a process of its own (tests/perf/prepare.py)
makes what those sections need meanwhile (cryptofeed's environment, the ten-million-trade query
database, the million-frame capture), which took two of the bench's ten minutes when each
section made its own. The table keeps the order asked for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

import django

from tests.perf.prepare import PREPARED
from tests.perf.storage_seed import RUN_VARIABLE, admin_connection

SECTIONS = ("feed", "books", "consolidated", "storage", "latency", "memory", "replay")


def section_feed(quick: bool) -> list:
    from tests.perf.bench_churn import side_by_side
    from tests.perf.results import Result

    r = side_by_side(20_000 if quick else 100_000)
    return [
        Result(
            "feed_msgs_per_s",
            "feed: 20 symbols, 20-level diffs with level churn, every sink attached (1 core)",
            r["feed_msgs_per_s"],
            "msg/s",
            "≥ 30,000 msg/s",
            r["feed_msgs_per_s"] >= 30_000,
            f"{r['feed_msgs_per_s']:,.0f} msg/s ({r['feed_us_per_msg']:.1f} µs/msg)",
        ),
        Result(
            "feed_null_sink_msgs_per_s",
            "feed: the same frames with no sink (decode + sequence + book)",
            r["feed_null_sink_msgs_per_s"],
            "msg/s",
        ),
        Result(
            "cryptofeed_msgs_per_s",
            "cryptofeed 2.4.1 Binance handler on the identical frames (no-op callback)",
            r["cryptofeed_msgs_per_s"],
            "msg/s",
        ),
        Result(
            "cryptofeed_ratio",
            "marketagg with every sink / cryptofeed",
            r["cryptofeed_ratio"],
            "×",
            "≥ 3×",
            r["cryptofeed_ratio"] >= 3,
            f"{r['cryptofeed_ratio']:.2f}×",
        ),
    ]


def section_books(quick: bool) -> list:
    from tests.perf import bench_books
    from tests.perf.results import Result

    out = []
    for levels in (100, 1_000, 10_000):
        u = bench_books.updates(levels, messages=2_000 if quick else 20_000)
        t = bench_books.top_read(levels, repeat=10_000 if quick else 100_000)
        out.append(
            Result(
                f"book_updates_per_s_{levels}",
                f"venue book level updates, {levels:,} levels a side",
                u["level_updates_per_s"],
                "updates/s",
            )
        )
        out.append(
            Result(
                f"book_top20_us_{levels}",
                f"top-20 read, {levels:,} levels a side",
                t["us_per_read"],
                "µs",
                "< 10 µs" if levels == 1_000 else "",
                t["us_per_read"] < 10 if levels == 1_000 else None,
            )
        )
    return out


def section_storage(quick: bool) -> list:
    from tests.perf import bench_storage

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("storage: skipped (needs DATABASE_URL=postgres://...)", file=sys.stderr)
        return []
    return bench_storage.results(quick=quick)


def _optional(module: str) -> Callable[[bool], list]:
    def run(quick: bool) -> list:
        import importlib

        try:
            mod = importlib.import_module(f"tests.perf.{module}")
        except ImportError:
            print(f"{module}: not available", file=sys.stderr)
            return []
        return mod.results(quick=quick)

    return run


RUNNERS: dict[str, Callable[[bool], list]] = {
    "feed": section_feed,
    "books": section_books,
    "consolidated": _optional("bench_consolidated"),
    "storage": section_storage,
    "latency": _optional("bench_latency"),
    "memory": _optional("bench_memory"),
    "replay": _optional("bench_replay"),
}


def prepare_database() -> None:
    """The database the feed benchmark records into: created where missing, migrated."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        with admin_connection() as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def _in_running_order(chosen: list[str]) -> list[str]:
    """The memory section first when another section has something to prepare: its five minutes
    of sampling leave a core free for the preparation (tests/perf/prepare.py)."""
    if "memory" in chosen and any(name in PREPARED for name in chosen):
        return ["memory", *(name for name in chosen if name != "memory")]
    return chosen


def _start_preparing(chosen: list[str], *, quick: bool) -> subprocess.Popen | None:
    wanted = [name for name in chosen if name in PREPARED]
    if not wanted:
        return None
    command = [sys.executable, "-m", "tests.perf.prepare", ",".join(wanted), *(["--quick"] if quick else [])]
    return subprocess.Popen(command)


def main() -> int:
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", help="write the table into this README between the bench markers")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument(
        "--update",
        action="store_true",
        help="keep the other sections' figures in bench/results.json (with their own date and commit)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    prepare_database()
    from tests.perf.pace import reference_seconds
    from tests.perf.results import RESULTS, render, write_readme, write_results

    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    for name in chosen:
        if name not in RUNNERS:
            parser.error(f"unknown section {name!r}; sections: {', '.join(SECTIONS)}")
    os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex)  # whose storage seed is whose
    results, paces = [], {}
    for name in _in_running_order(chosen):
        paces[name] = reference_seconds()
        t0 = time.perf_counter()
        preparing = _start_preparing(chosen, quick=args.quick) if name == "memory" else None
        got = RUNNERS[name](args.quick)
        if preparing is not None and preparing.wait() != 0:
            print("[prepare] failed: each section makes what it needs itself", file=sys.stderr, flush=True)
        for result in got:
            result.section = name
        results.extend(got)
        print(f"[{name}] {len(got)} figures in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    results.sort(key=lambda r: chosen.index(r.section))  # the table in the order asked for
    path = RESULTS if not args.quick else RESULTS.with_name("results-quick.json")
    doc = write_results(results, path=path, update=args.update, paces=paces)
    table = render(doc)
    print(table)
    if args.readme and not args.quick:
        write_readme(Path(args.readme), table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
