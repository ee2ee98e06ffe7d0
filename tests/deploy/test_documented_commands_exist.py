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
