"""Each fault of the simulator, alone and all together: the feeds survive and end with the true books."""

import pytest

from tests.exchanges.integration.convergence import run_until_converged

FAULTS = {
    "gap": "gap=0.05",
    "disconnect": "disconnect=0.01",
    "stall": "stall=0.01",
    "malformed": "malformed=0.05",
    "unknown": "unknown=0.05",
    "shutdown": "shutdown=0.01",
    "rest429": "gap=0.02,rest429=0.3",
    "rest418": "gap=0.02,rest418=0.3",
    "slow_snapshot": "gap=0.02,slow_snapshot=0.5",
}


@pytest.mark.parametrize("kind", list(FAULTS))
async def test_books_converge_after_fault(kind):
    result = await run_until_converged(FAULTS[kind], fault_seconds=4)
    assert result["task_alive"]
    assert result["injected"].get(kind, 0) > 0, f"the simulator injected no {kind}: {result['injected']}"
    venues = result["stats"]["venues"]
    if kind == "malformed":
        assert sum(v["malformed"] for v in venues.values()) > 0
    if kind == "unknown":
        assert sum(v["unknown"] for v in venues.values()) > 0
    if kind in ("gap",):
        assert sum(v["gaps"] for v in venues.values()) > 0


async def test_books_converge_with_every_fault_at_once():
    result = await run_until_converged("all,gap=0.03,disconnect=0.005,shutdown=0.005", fault_seconds=8)
    assert result["task_alive"]
    assert len(result["injected"]) >= 5
