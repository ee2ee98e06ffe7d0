"""A feed process writes live metric bars through the tick writer, which takes only the tables it
knows: the metric bar table must be known in a fresh process, whatever it imported first."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_fresh_process_knows_the_metric_bar_table():
    code = "from books.storage.tables import TABLES; print(sorted(TABLES))"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'metricbar'" in out.stdout.strip().splitlines()[-1]
