"""Run as a real process against a venue nobody answers for, `sync_instruments` ends with status 1
and one plain line per failure: no traceback."""

import socket
import subprocess
import sys

from tests.exchanges.processes import ROOT, process_env


def test_unreachable_venue_gives_a_plain_error_and_status_1(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = process_env(tmp_path)
    set_url = (
        f"from exchanges.models import Exchange; Exchange.objects.update(rest_url='http://127.0.0.1:{port}')"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", set_url], cwd=ROOT, env=env, check=True)

    done = subprocess.run(
        [sys.executable, "manage.py", "sync_instruments", "binance", "--timeout", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert f"binance: cannot reach http://127.0.0.1:{port}/api/v3/exchangeInfo" in done.stderr
    assert "its stored list is unchanged" in done.stderr
    assert "CommandError: 1 of 1 venues could not be synced" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
