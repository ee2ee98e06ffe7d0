"""Fixtures for the simulator's tests: a real simulator on an ephemeral port, an HTTP session."""

import aiohttp
import pytest

from exchanges.simulator import Simulator


@pytest.fixture
async def start_sim():
    """`await start_sim(seed=1, rate=50, ...)`: a started simulator, stopped when the test ends."""
    started: list[Simulator] = []

    async def start(**kwargs) -> Simulator:
        sim = Simulator(**kwargs)
        await sim.start(host="127.0.0.1", port=0)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        await sim.stop()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session
