"""`make bench`: run every benchmark, print one table, and write it into the README.

Not part of `make test`: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
from datetime import UTC, datetime

import django

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def measure(quick: bool) -> list[tuple[str, str, str]]:
    from tests.perf import bench_feed

    rows: list[tuple[str, str, str]] = []
    feed = bench_feed.feed_path_throughput(20_000 if quick else 200_000)
    rows.append(
        (
            "feed path: 20-level Binance diffs through parse + sequence check + book update (1 core)",
            f"{feed['per_second']:,.0f} msg/s ({feed['us_per_message']:.1f} µs/msg)",
            "≥ 30,000 msg/s",
        )
    )
    top = bench_feed.top_read()
    rows.append(("top-20 read of a 1,000-level venue book", f"{top['us_per_read']:.2f} µs", "< 10 µs"))
    try:
        from tests.perf import bench_storage
    except ImportError:
        bench_storage = None
    if bench_storage is not None and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        rows.extend(bench_storage.table_rows(quick=quick))
    return rows


def render(rows: list[tuple[str, str, str]]) -> str:
    lines = [
        "| benchmark | measured | target |",
        "| --- | --- | --- |",
        *[f"| {name} | {value} | {target} |" for name, value, target in rows],
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()} (`make bench`).",
    ]
    return "\n".join(lines)


def write_readme(path: str, table: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    block = f"{START}\n{table}\n{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Benchmarks\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", help="write the table into this README between the bench markers")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")
    django.setup()
    table = render(measure(args.quick))
    print(table)
    if args.readme:
        write_readme(args.readme, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
