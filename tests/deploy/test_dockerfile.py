"""The Dockerfile: multi-stage from python:3.11-slim, installs the project from pyproject.toml,
runs as a non-root user, serves the project's real ASGI app on 8000, nothing tied to one CPU."""

import json
import re

import pytest
from django.urls import resolve

from tests.deploy.deployfiles import ROOT, command_target, dockerfile_instructions


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return dockerfile_instructions((ROOT / "Dockerfile").read_text())


def _args(instructions) -> dict[str, str]:
    return dict(a.split("=", 1) for kind, a in instructions if kind == "ARG" and "=" in a)


def _stages(instructions) -> list[list[tuple[str, str]]]:
    stages: list[list] = []
    for item in instructions:
        if item[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(item)
    return stages


def test_multi_stage_from_python_311_slim(instructions):
    args = _args(instructions)
    froms = [a for kind, a in instructions if kind == "FROM"]
    assert len(froms) >= 2
    images = [re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], f.split()[0]) for f in froms]
    assert images == ["python:3.11-slim"] * len(images)
    first_stage = froms[0].split()[-1]
    assert any(kind == "COPY" and f"--from={first_stage}" in a for kind, a in _stages(instructions)[-1])


def test_installs_the_project_from_pyproject(instructions):
    build = _stages(instructions)[0]
    copied = [i for i, (kind, a) in enumerate(build) if kind == "COPY" and "pyproject.toml" in a.split()]
    installs = [
        i for i, (kind, a) in enumerate(build) if kind == "RUN" and re.search(r"pip install \.(\s|$)", a)
    ]
    assert copied and installs and copied[0] < installs[0]
    for kind, a in instructions:
        if kind == "COPY" and "--from" not in a:
            for source in a.split()[:-1]:
                if not source.startswith("--") and source != ".":
                    assert (ROOT / source).exists(), f"COPY of {source}, which the project does not have"


def test_final_stage_runs_as_a_created_non_root_user(instructions):
    final = _stages(instructions)[-1]
    users = [a for kind, a in final if kind == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(kind == "RUN" and "useradd" in a and users[-1] in a for kind, a in final)


def test_default_command_serves_the_projects_asgi_app_on_8000(instructions):
    final = _stages(instructions)[-1]
    cmd = json.loads([a for kind, a in final if kind == "CMD"][-1])
    assert not [a for kind, a in final if kind == "ENTRYPOINT"]
    assert command_target(cmd) == ("asgi", "marketagg.asgi:application")
    assert cmd[cmd.index("--port") + 1] == "8000"
    assert ("EXPOSE", "8000") in final
    assert any(kind == "RUN" and "collectstatic" in a for kind, a in final)


def test_healthcheck_asks_a_real_url(instructions):
    check = [a for kind, a in instructions if kind == "HEALTHCHECK"][-1]
    path = re.search(r"127\.0\.0\.1:8000(/\w+)", check).group(1)
    assert resolve(path).url_name == "healthz"


def test_nothing_is_tied_to_one_cpu_architecture(instructions):
    text = " ".join(f"{kind} {a}" for kind, a in instructions).lower()
    for word in ("amd64", "x86_64", "aarch64", "arm64", "--platform"):
        assert word not in text


def test_dockerignore_keeps_local_state_out_but_not_the_sources():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    ignored.discard("")
    assert {".git", ".venv", "node_modules", "var"} <= ignored
    for needed in ("pyproject.toml", "manage.py", "marketagg", "exchanges", "books", "analytics"):
        assert needed not in ignored
