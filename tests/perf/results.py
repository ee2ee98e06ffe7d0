"""Benchmark results: every figure with its unit, written to bench/results.json and rendered as
the README's table, so no figure in the README is typed by hand."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results.json"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass
class Result:
    key: str  # stable name, e.g. feed_msgs_per_s
    label: str  # what was measured, for the table
    value: float
    unit: str
    target: str = ""  # the goal as text, e.g. "≥ 30,000 msg/s"
    met: bool | None = None  # None where there is no target
    shown: str = ""  # how the table shows it; default value + unit
    section: str = ""  # the `make bench` section that measured it (tests/perf/run.py)

    def display(self) -> str:
        if self.shown:
            return self.shown
        if abs(self.value) >= 100:
            return f"{self.value:,.0f} {self.unit}"
        return f"{self.value:,.2f} {self.unit}"


def machine() -> dict:
    return {
        "arch": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
    }


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def write_results(
    results: list[Result], *, path: Path = RESULTS, update: bool = False, paces: dict | None = None
) -> dict:
    """Write the figures. `update` keeps the figures of the sections not run this time from the
    file; every section's date and commit are kept under "runs", so the table says which differ,
    with its machine pace (`paces`: section -> seconds of tests.perf.pace's loop before it)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    head = commit()
    sections = {r.section for r in results}
    merged, runs = {}, {}
    if update and path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        earlier = old.get("runs") or {"the other sections": {"date": old["date"], "commit": old["commit"]}}
        runs = {k: v for k, v in earlier.items() if k not in sections}
        for key, kept in old.get("results", {}).items():  # the table's order stays the file's
            if kept.get("section") not in sections:
                merged[key] = kept
            else:
                merged.update((r.key, asdict(r)) for r in results if r.section == kept["section"])
    doc = {
        "date": now,
        "machine": machine(),
        "commit": head,
        "runs": {**runs, **{name: _run(now, head, (paces or {}).get(name)) for name in sorted(sections)}},
        "results": {**merged, **{r.key: asdict(r) for r in results}},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return doc


def _run(date: str, head: str, pace: float | None) -> dict:
    run = {"date": date, "commit": head}
    if pace is not None:
        run["pace_s"] = round(pace, 3)
    return run


def _paces(doc: dict) -> str:
    paced = [(name, run["pace_s"]) for name, run in doc.get("runs", {}).items() if "pace_s" in run]
    if not paced:
        return ""
    return (
        " Machine pace before each section (seconds of 10 million integer additions in a Python loop, "
        "lower is faster; tests/perf/pace.py): "
        + ", ".join(f"{name} {pace:.2f}" for name, pace in paced)
        + "."
    )


def render(doc: dict) -> str:
    lines = ["| benchmark | measured | target | met |", "| --- | --- | --- | --- |"]
    for r in doc["results"].values():
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['label']} | {Result(**r).display()} | {r['target']} | {met} |")
    m = doc["machine"]
    lines += [
        "",
        f"Measured {doc['date'][:10]} on {m['arch']}, {m['cores']} cores, Python {m['python']}, "
        f"commit {doc['commit']} (`make bench`; raw figures in `bench/results.json`).",
    ]
    other = {
        f"{run['date'][:16].replace('T', ' ')} UTC, commit {run['commit']}"
        for run in doc.get("runs", {}).values()
    }
    if len(other) > 1:
        lines[-1] += (
            " Sections measured at other times: "
            + "; ".join(
                f"{name} {run['date'][:16].replace('T', ' ')} UTC (commit {run['commit']})"
                for name, run in sorted(doc["runs"].items())
            )
            + "."
        )
    lines[-1] += _paces(doc)
    return "\n".join(lines)


def write_readme(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{table}\n{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Benchmarks\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
