"""`serve` (`make run`, `make demo`) on a port another program holds exits non-zero, says why and
suggests `PORT=`, instead of logging "Listen failure" and exiting 0."""

import os
import socket
import subprocess
import sys

from tests.exchanges.processes import ROOT


def test_busy_port_fails_with_a_hint(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(MARKETAGG_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        done = subprocess.run(
            [sys.executable, "manage.py", "serve", "--simulate", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}:" in done.stderr
    assert "Address already in use" in done.stderr
    assert "make demo PORT=8001" in done.stderr
    assert "marketagg serving on" not in done.stdout  # nothing was started
