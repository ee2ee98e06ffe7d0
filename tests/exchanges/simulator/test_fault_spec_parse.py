"""Fault specs: "k=p,..." strings, "all", "none"; unknown keys and bad probabilities refused."""

import pytest

from exchanges.simulator import FaultSpec


def test_fault_spec_parse():
    spec = FaultSpec.parse(
        "gap=0.02,disconnect=0.002,stall=0.001,malformed=0.01,unknown=0.01,shutdown=0.001,"
        "rest429=0.05,rest418=0.01,slow_snapshot=0.1,heartbeat_close=1"
    )
    assert (spec.gap, spec.rest418, spec.slow_snapshot, spec.heartbeat_close) == (0.02, 0.01, 0.1, 1.0)
    assert FaultSpec.parse("none") == FaultSpec() == FaultSpec.parse("")
    assert FaultSpec.parse("all").gap > 0 and FaultSpec.parse("all,gap=0").gap == 0
    assert FaultSpec.parse(str(spec)) == spec
    for bad in ("gap", "gapp=0.1", "gap=x", "gap=2"):
        with pytest.raises(ValueError):
            FaultSpec.parse(bad)
