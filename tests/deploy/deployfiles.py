"""Reading the deployment files the way their tools do, and checking their references against
the project: commands, modules, settings names."""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "marketagg" / "settings.py"
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def load_yaml(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True; GitHub reads it as "on".
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def interpolate(value: str, environ: dict[str, str] | None = None) -> str:
    """Compose's `${VAR:-default}`, with `environ` (default: nothing set)."""
    environ = environ or {}
    return _INTERPOLATION.sub(lambda m: environ.get(m.group(1)) or (m.group(2) or ""), str(value))


def settings_env_names() -> set[str]:
    """Every environment variable marketagg/settings.py reads through django-environ."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        first = node.args[0]
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def as_argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def command_target(argv: list[str]) -> tuple[str, str]:
    """What a process command runs, resolved against the project: ("manage.py", name),
    ("asgi", "module:attr") or ("celery", subcommand). Raises AssertionError when it names
    something the project does not have."""
    assert argv, "empty command"
    program = Path(argv[0]).name
    if program.startswith("python") and len(argv) >= 3 and argv[1] == "manage.py":
        name = argv[2]
        assert name in get_commands(), f"manage.py has no command {name!r}"
        assert (ROOT / "manage.py").exists()
        return "manage.py", name
    if program == "daphne":
        target = next(a for a in argv[1:] if ":" in a and not a.startswith("-"))
        module, attr = target.split(":")
        assert hasattr(importlib.import_module(module), attr), f"{module} has no {attr}"
        return "asgi", target
    if program == "celery":
        from celery import Celery
        from celery.app.utils import find_app

        app_name = argv[argv.index("-A") + 1]
        assert isinstance(find_app(app_name), Celery), f"celery -A {app_name} finds no Celery app"
        sub = next(a for a in argv[argv.index("-A") + 2 :] if not a.startswith("-"))
        return "celery", sub
    raise AssertionError(f"unknown program in command {argv!r}")


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out
