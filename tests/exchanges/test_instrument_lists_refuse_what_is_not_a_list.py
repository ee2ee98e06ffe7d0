"""A body that is not an instrument list (an error page, a JSON-RPC error) is refused loudly, so a
sync never replaces a good list with an empty one."""

import pytest

from exchanges.instrument_lists import (
    InstrumentListError,
    parse_binance_exchange_info,
    parse_deribit_instruments,
    parse_instrument_list,
)


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", '{"code":-1003,"msg":"banned"}', b""])
def test_binance_error_bodies_are_refused(body):
    with pytest.raises(InstrumentListError):
        parse_binance_exchange_info("binance", body)


def test_deribit_error_answer_is_refused():
    body = '{"jsonrpc":"2.0","error":{"code":10028,"message":"too_many_requests"}}'
    with pytest.raises(InstrumentListError, match="too_many_requests"):
        parse_deribit_instruments(body)


def test_a_binance_parser_refuses_a_deribit_venue():
    with pytest.raises(ValueError):
        parse_binance_exchange_info("deribit", "{}")


def test_combos_and_incomplete_rows_are_left_out_and_dicts_are_accepted():
    body = {
        "result": [
            {"instrument_name": "BTC-FS-27DEC26_PERP", "kind": "future_combo", "base_currency": "BTC"},
            {"instrument_name": "BTC-27DEC26", "kind": "future", "quote_currency": "USD"},
            {
                "instrument_name": "BTC_USDC",
                "kind": "spot",
                "base_currency": "BTC",
                "quote_currency": "USDC",
                "tick_size": 0.1,
                "contract_size": 0.0001,
                "is_active": True,
            },
        ]
    }
    listed = parse_instrument_list("deribit", body)

    assert [(i.symbol, i.pair, i.kind) for i in listed] == [("BTC_USDC", "BTC-USDC", "spot")]
    assert str(listed[0].contract_size) == "0.0001"
