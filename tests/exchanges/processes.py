"""Running the project's own commands as real processes, for tests of signals and start-up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An embedded-default environment in a folder of its own: its own SQLite file, migrated."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(MARKETAGG_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1", **extra)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


async def start_command(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "manage.py",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def read_until(proc: asyncio.subprocess.Process, text: str, timeout: float = 20.0) -> str:
    """Output up to the first line containing `text`; fails if the process ends or time runs out."""
    seen = []

    async def scan() -> None:
        while True:
            line = await proc.stdout.readline()
            if not line:
                raise AssertionError(f"process ended before {text!r}:\n" + "".join(seen))
            seen.append(line.decode(errors="replace"))
            if text in seen[-1]:
                return

    try:
        await asyncio.wait_for(scan(), timeout)
    except TimeoutError:
        raise AssertionError(f"no {text!r} within {timeout}s:\n" + "".join(seen)) from None
    return "".join(seen)
