"""The capture tests replay what they record with the replay tests' own fixture."""

from tests.exchanges.replay.conftest import replay_books  # noqa: F401
