"""The production profile passes `manage.py check --deploy` with no warning, and refuses to start
without a secret key from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MARKETAGG_"))}
    base.update(MARKETAGG_VAR_DIR=str(tmp_path), MARKETAGG_PROFILE="production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
    )


def test_production_profile_passes_the_deploy_check(tmp_path):
    result = _check(
        tmp_path,
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x7Q9" * 12,
        DJANGO_ALLOWED_HOSTS="marketagg.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret(tmp_path):
    result = _check(tmp_path, DJANGO_ALLOWED_HOSTS="marketagg.example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
