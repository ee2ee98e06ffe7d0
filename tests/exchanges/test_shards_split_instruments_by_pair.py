"""`runfeeds --shard i/n`: every enabled instrument in exactly one shard, whole pairs together,
the same split on every run."""

import os
import subprocess
import sys

import pytest

from exchanges.sharding import Shard, shard_specs
from exchanges.types import InstrumentSpec


def _specs():
    out = []
    for base in ("BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "LTC", "BNB"):
        out.append(InstrumentSpec(venue="binance", symbol=f"{base}USDT", pair=f"{base}-USDT"))
        out.append(
            InstrumentSpec(venue="binance-usdm", symbol=f"{base}USDT", pair=f"{base}-USDT", kind="perpetual")
        )
        out.append(
            InstrumentSpec(
                venue="binance-coinm",
                symbol=f"{base}USD_PERP",
                pair=f"{base}-USD",
                kind="perpetual",
                consolidate_into=f"{base}-USDT",
            )
        )
    return out


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_instrument_is_in_exactly_one_shard(count):
    specs = _specs()
    shares = [shard_specs(specs, Shard(index=i, count=count)) for i in range(count)]
    keys = [s.key for share in shares for s in share]
    assert sorted(keys) == sorted(s.key for s in specs)


def test_a_pair_s_venues_stay_together():
    specs = _specs()
    for i in range(3):
        share = shard_specs(specs, Shard(index=i, count=3))
        books = {s.consolidate_into or s.pair for s in share}
        for spec in specs:
            if (spec.consolidate_into or spec.pair) in books:
                assert spec in share


def test_the_split_is_the_same_in_another_interpreter():
    specs = _specs()
    here = sorted(s.key for s in shard_specs(specs, Shard.parse("2/3")))
    code = (
        "from exchanges.sharding import Shard, shard_specs;"
        "from tests.exchanges.test_shards_split_instruments_by_pair import _specs;"
        "print(sorted(s.key for s in shard_specs(_specs(), Shard.parse('2/3'))))"
    )
    env = {"PYTHONHASHSEED": "123", "DJANGO_SETTINGS_MODULE": "marketagg.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(here)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1-2", "2"])
def test_a_bad_shard_is_refused_with_the_form_to_use(text):
    with pytest.raises(ValueError, match="i/n"):
        Shard.parse(text)


def test_blank_means_one_process_holds_everything():
    assert Shard.parse("") is None and Shard.parse(None) is None
    assert shard_specs(_specs(), None) == _specs()


def test_two_pairs_over_two_shards_give_one_each():
    specs = [s for s in _specs() if s.symbol.startswith(("BTC", "ETH"))]
    first, second = (shard_specs(specs, Shard(index=i, count=2)) for i in range(2))
    assert {s.consolidate_into or s.pair for s in first} == {"BTC-USDT"}
    assert {s.consolidate_into or s.pair for s in second} == {"ETH-USDT"}
