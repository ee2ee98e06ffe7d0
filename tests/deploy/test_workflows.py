"""CI runs `make test` on PostgreSQL and Redis and keeps the coverage report; the image workflow
builds for amd64 and arm64 and pushes to ghcr.io for tags only."""

import pytest

from tests.deploy.deployfiles import ROOT, load_yaml, triggers


@pytest.fixture(scope="module")
def ci() -> dict:
    return load_yaml(".github/workflows/ci.yml")


@pytest.fixture(scope="module")
def docker() -> dict:
    return load_yaml(".github/workflows/docker.yml")


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _uses(workflow: dict, action: str) -> list[dict]:
    return [s for s in _steps(workflow) if s.get("uses", "").split("@")[0] == action]


def test_ci_runs_make_test_on_every_push_and_pull_request(ci):
    assert {"push", "pull_request"} <= set(triggers(ci))
    assert any(s.get("run", "").strip() == "make test" for s in _steps(ci))
    assert _uses(ci, "actions/checkout")
    assert ci["jobs"]["test"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.12"]
    assert _uses(ci, "actions/setup-python")[0]["with"]["python-version"] == "${{ matrix.python-version }}"
    assert "test:" in (ROOT / "Makefile").read_text()


def test_ci_services_match_the_test_urls(ci):
    job = ci["jobs"]["test"]
    postgres, redis = job["services"]["postgres"], job["services"]["redis"]
    assert postgres["image"] == "postgres:15" and redis["image"] == "redis:7"
    pg = postgres["env"]
    expected = (
        f"postgres://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@127.0.0.1:5432/{pg['POSTGRES_DB']}"
    )
    assert job["env"]["TEST_DATABASE_URL"] == expected
    assert job["env"]["TEST_REDIS_URL"].startswith("redis://127.0.0.1:6379/")
    assert "5432:5432" in postgres["ports"] and "6379:6379" in redis["ports"]
    makefile = (ROOT / "Makefile").read_text()
    assert "TEST_DATABASE_URL ?=" in makefile and "TEST_REDIS_URL ?=" in makefile


def test_ci_keeps_the_coverage_reports_make_test_writes(ci):
    [upload] = _uses(ci, "actions/upload-artifact")
    paths = upload["with"]["path"].split()
    assert {"coverage.xml", "htmlcov"} <= set(paths)
    assert upload.get("if") == "always()"
    makefile = (ROOT / "Makefile").read_text()
    assert "xml:coverage.xml" in makefile and "html:htmlcov" in makefile


def test_image_is_built_for_both_platforms_and_pushed_on_tags(docker):
    assert _uses(docker, "docker/setup-qemu-action")
    assert _uses(docker, "docker/setup-buildx-action")
    [build] = _uses(docker, "docker/build-push-action")
    platforms = {p.strip() for p in build["with"]["platforms"].split(",")}
    assert platforms == {"linux/amd64", "linux/arm64"}
    assert "refs/tags/" in str(build["with"]["push"])
    assert "tags" in triggers(docker)["push"]
    [login] = _uses(docker, "docker/login-action")
    assert login["with"]["registry"] == "ghcr.io"
    assert docker["permissions"]["packages"] == "write"


def test_ci_proves_storage_on_the_real_timescaledb_image(ci):
    job = ci["jobs"]["timescale"]
    image = job["services"]["postgres"]["image"]
    assert image.startswith("timescale/timescaledb:") and image.endswith("-pg16")
    # Forced, so a missing extension fails the migration instead of quietly falling back.
    assert job["env"]["MARKETAGG_STORAGE_BACKEND"] == "timescale"
    runs = [s.get("run", "") for s in job["steps"]]
    assert "make setup" in runs
    pytest_runs = [r for r in runs if "pytest" in r]
    assert pytest_runs and all("-m backends" in r and "tests/books" in r for r in pytest_runs)
    for run in runs:
        # Every path a step names exists and every manage.py command it runs is a real command.
        for word in run.split():
            if word.startswith("tests/"):
                assert (ROOT / word).exists(), word
        if "manage.py" in run:
            from django.core.management import get_commands

            assert run.split("manage.py", 1)[1].split()[0] in get_commands()
