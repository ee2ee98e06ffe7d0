"""Snapshots cut at a small depth: under gaps the books keep every level inside their boundary.

With depth 50 the simulator's Binance snapshots (50..300 levels a side) are cut, so each book
has a boundary; gaps force resyncs that set new ones. Every book must end equal to the
simulator's truth cut at its boundaries (tests/exchanges/integration/convergence.py), more than
50 levels where diffs added some inside them, none past them.
"""

from tests.exchanges.integration.convergence import run_until_converged


async def test_books_equal_the_truth_cut_at_their_boundaries_after_gaps():
    result = await run_until_converged("gap=0.05", fault_seconds=4, depth=50)
    assert result["task_alive"]
    assert result["injected"].get("gap", 0) > 0
    cut = [
        key
        for key, bounds in result["boundaries"].items()
        if key.startswith("binance") and None not in bounds
    ]
    assert cut, f"no Binance book had a boundary: the rule was not exercised {result['boundaries']}"
