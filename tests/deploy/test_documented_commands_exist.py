"""Every `manage.py <command>` the docs, README and deployment files tell an operator to run is a
command the project has."""

import re

import pytest
from django.core.management import get_commands

from tests.deploy.deployfiles import ROOT

DOCUMENTS = [
    "README.md",
    "docs/operations.md",
    "docs/architecture.md",
    "docs/testing-plan.md",
    "docker-compose.yml",
]
MENTION = re.compile(r"manage\.py\"?,?\s+\"?([a-z_]+)")


def test_the_process_commands_exist():
    assert {"runfeeds", "serve", "simulate_exchanges", "migrate", "sync_instruments"} <= set(get_commands())


@pytest.mark.parametrize("document", DOCUMENTS)
def test_documented_commands_exist(document):
    path = ROOT / document
    if not path.exists():
        pytest.fail(f"{document} is missing")
    named = set(MENTION.findall(path.read_text()))
    assert not named - set(get_commands()), f"{document} names commands the project lacks"


OUR_APPS = ("exchanges", "books", "analytics", "marketagg")


def _readme_command_rows() -> dict[str, str]:
    """README's command table: command name -> its whole row."""
    text = (ROOT / "README.md").read_text()
    table = text.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        m = re.match(r"\| `manage\.py ([a-z_]+)", line)
        if m:
            rows[m.group(1)] = line
    return rows


def _own_options(app: str, name: str) -> list[str]:
    """The long options a command adds itself (not Django's --verbosity, --settings and the rest)."""
    from django.core.management import load_command_class
    from django.core.management.base import BaseCommand

    common = {
        o for action in BaseCommand().create_parser("manage.py", "x")._actions for o in action.option_strings
    }
    parser = load_command_class(app, name).create_parser("manage.py", name)
    return [
        o
        for action in parser._actions
        for o in action.option_strings
        if o.startswith("--") and o not in common
    ]


def test_readme_command_table_lists_every_command_and_option():
    rows = _readme_command_rows()
    ours = sorted(name for name, app in get_commands().items() if app in OUR_APPS)
    assert set(ours) <= set(rows), f"commands missing from the README table: {sorted(set(ours) - set(rows))}"
    missing = {
        name: [
            o
            for o in _own_options(get_commands()[name], name)
            if not re.search(re.escape(o) + r"\b", rows[name])
        ]
        for name in ours
    }
    assert not {k: v for k, v in missing.items() if v}, f"options missing from the README table: {missing}"
