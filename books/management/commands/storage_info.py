"""manage.py storage_info: the tick storage backend, its partitions or chunks, policies, rows, sizes."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from books.storage.info import storage_info


def _size(n) -> str:
    if n is None:
        return "?"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class Command(BaseCommand):
    help = "Show how ticks are stored: backend, partitions/chunks, compression, retention, rows and sizes."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--json", action="store_true", help="print the facts as JSON")

    def handle(self, *args, **options):
        info = storage_info(using=options["database"])
        if options["json"]:
            self.stdout.write(json.dumps(info, indent=2, default=str))
            return
        out = self.stdout
        backend = info["backend"]
        label = {
            "timescale": "TimescaleDB hypertables",
            "partman": "PostgreSQL native partitions (pg_partman, hourly)",
            "postgres": "PostgreSQL plain indexed tables",
            "sqlite": "SQLite plain indexed tables",
        }[backend]
        out.write(f"backend: {backend} ({label})")
        out.write(f"retention: {info['retention_days']} days")
        if backend == "timescale":
            out.write(f"compression: after {info['compress_after_hours']} hours, segmented by instrument")
        for table, t in info["tables"].items():
            line = f"{table}: {t['rows']} rows, {_size(t.get('bytes'))}"
            if t["oldest"]:
                line += f", {t['oldest']} .. {t['newest']}"
            out.write(line)
            if backend == "timescale":
                out.write(
                    f"  chunks: {t['chunks']} of {t['chunk_interval']} ({t['compressed_chunks']} compressed); "
                    f"retention policy {t['retention']}, compress after {t['compress_after']}"
                )
            elif backend == "partman":
                out.write(
                    f"  partitions: {t['partitions']} of {t['partition_interval']} "
                    f"({t['first_partition']} .. {t['last_partition']}), premake {t['premake']}, "
                    f"retention {t['retention']}"
                )
