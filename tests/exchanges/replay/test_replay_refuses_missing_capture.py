"""A missing or unreadable capture ends `replay` with a clear message and a non-zero exit, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]


def test_replay_refuses_missing_capture(tmp_path):
    with pytest.raises(CommandError, match="capture not found"):
        call_command("replay", str(tmp_path / "nope.jsonl"))


def test_replay_refuses_a_file_that_is_not_a_capture(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": "open", "ts": 1, "url": "wss://stream.binance.com/ws"}\nnot json\n')
    with pytest.raises(CommandError, match=r"bad.jsonl:2: not a JSON object"):
        call_command("replay", str(bad))


def test_replay_refuses_a_bad_speed(tmp_path):
    with pytest.raises(CommandError, match="--speed"):
        call_command("replay", str(tmp_path / "x.jsonl"), "--speed", "fast")


def test_replay_exit_code_and_message_from_the_shell(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "replay", str(tmp_path / "nope.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "capture not found" in done.stderr
    assert "Traceback" not in done.stderr
