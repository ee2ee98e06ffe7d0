"""MARKETAGG_SIMULATOR_PORT is the port `simulate_exchanges` listens on when --port is not given."""

import os
import socket
import subprocess
import sys

from tests.e2e.server import free_port, wait_until
from tests.exchanges.processes import ROOT


def test_simulate_exchanges_listens_on_the_configured_port(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(MARKETAGG_VAR_DIR=str(tmp_path), MARKETAGG_SIMULATOR_PORT=str(port))
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "simulate_exchanges"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening():
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True

        wait_until(listening, timeout=30, what=f"simulate_exchanges listening on {port}")
    finally:
        proc.terminate()
        proc.wait(10)
