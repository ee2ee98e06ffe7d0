"""Where the capture holds the venue's instrument list, the specs get pair, kind, contract size
and tick size from it (through exchanges.instrument_lists)."""

from decimal import Decimal

from exchanges.replay.discovery import discover_specs


def test_discovery_fills_pairs_from_recorded_lists(capture_lines):
    specs = {s.key: s for s in discover_specs(capture_lines("binance-coinm"))}
    spec = specs["binance-coinm:BTCUSD_211231"]
    assert spec.pair == "BTC-USD"
    assert spec.contract_size == Decimal(100)
    assert spec.kind == "future"
    spot = {s.key: s for s in discover_specs(capture_lines("binance-spot"))}
    assert spot["binance:NKNUSDT"].pair == "NKN-USDT"
    deribit = {s.key: s for s in discover_specs(capture_lines("deribit-options"))}
    option = deribit["deribit:BTC-24SEP21-8000-P"]
    assert option.kind == "option"
    assert option.pair
    assert option.tick_size == Decimal("0.0005")
