"""docker-compose.yml runs real project commands with settings the project reads, in the right
order: database and Redis healthy, migrations done, then web, feeds, worker and beat."""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from marketagg import settings as project_settings
from tests.deploy.deployfiles import ROOT, as_argv, command_target, interpolate, load_yaml, settings_env_names

APP_SERVICES = ["migrate", "web", "feeds", "worker", "beat"]
EXPECTED_TARGETS = {
    "migrate": ("manage.py", "migrate"),
    "web": ("asgi", "marketagg.asgi:application"),
    "feeds": ("manage.py", "runfeeds"),
    "worker": ("celery", "worker"),
    "beat": ("celery", "beat"),
}
# Read by Django or by the Celery app module itself, not by settings.py.
ALSO_READ = {"DJANGO_SETTINGS_MODULE"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml("docker-compose.yml")


def test_all_services_are_there(compose):
    assert set(compose["services"]) == {"db", "redis", *APP_SERVICES}
    assert compose["services"]["db"]["image"].startswith("timescale/timescaledb:")
    assert compose["services"]["db"]["image"].endswith("-pg16")
    assert compose["services"]["redis"]["image"] == "redis:7"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_command_is_a_real_project_command(compose, name):
    service = compose["services"][name]
    assert service.get("build") == "." or "build" in service
    assert command_target(as_argv(service["command"])) == EXPECTED_TARGETS[name]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_environment_names_are_read_by_settings(compose, name):
    env = compose["services"][name]["environment"]
    unknown = set(env) - settings_env_names() - ALSO_READ
    assert not unknown, f"{name} sets variables the project never reads: {sorted(unknown)}"
    assert urlsplit(interpolate(env["DATABASE_URL"])).hostname == "db"
    assert urlsplit(interpolate(env["DATABASE_URL"])).scheme == "postgres"
    assert interpolate(env["REDIS_URL"]) == "redis://redis:6379/0"
    assert env["MARKETAGG_PROFILE"] == "production"


def test_secret_key_default_says_change_me_and_is_not_the_dev_key(compose):
    raw = compose["services"]["web"]["environment"]["DJANGO_SECRET_KEY"]
    assert raw.startswith("${DJANGO_SECRET_KEY"), "the secret must come from the environment"
    default = interpolate(raw)
    assert "change-me" in default
    # Settings refuse only their own dev key in production; the compose default must at least start.
    assert default != project_settings._DEV_SECRET
    assert interpolate(raw, {"DJANGO_SECRET_KEY": "s3cret"}) == "s3cret"


def test_settings_start_in_production_with_the_compose_environment(compose, tmp_path):
    env = {k: interpolate(v) for k, v in compose["services"]["feeds"]["environment"].items()}
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}, **env}
    env["MARKETAGG_VAR_DIR"] = str(tmp_path)  # the image's /app/var is not here
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['HOST'], s.CHANNEL_LAYERS['default']['BACKEND'], s.DEBUG, "
        "s.MARKETAGG['FEEDS_METRICS_PORT'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["db", "channels_redis.core.RedisChannelLayer", "False", "9100"]


def test_healthchecks_exist_where_others_wait_on_them(compose):
    services = compose["services"]
    for name in ("db", "redis", "web", "feeds"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], (
                    f"{name} waits on {target}, which has no healthcheck"
                )


def test_web_healthcheck_asks_healthz_and_feeds_its_metrics_port(compose):
    web, feeds = compose["services"]["web"], compose["services"]["feeds"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert "--port" in web["command"] and web["command"][web["command"].index("--port") + 1] == "8000"
    assert any(p.endswith(":8000") for p in web["ports"])
    port = feeds["environment"]["MARKETAGG_FEEDS_METRICS_PORT"]
    assert f":{port}/metrics" in " ".join(feeds["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["web", "feeds", "worker", "beat"])
def test_long_running_services_start_after_healthy_stores_and_migrations(compose, name):
    assert compose["services"][name]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_migrate_waits_for_the_database_and_runs_once(compose):
    migrate = compose["services"]["migrate"]
    assert migrate["depends_on"]["db"] == {"condition": "service_healthy"}
    assert migrate["restart"] == "no"


def test_database_lives_in_a_named_volume(compose):
    mounts = compose["services"]["db"]["volumes"]
    named = [m.split(":")[0] for m in mounts if m.split(":")[1] == "/var/lib/postgresql/data"]
    assert named and named[0] in compose["volumes"]
