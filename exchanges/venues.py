"""The venues marketagg speaks, as data: ids, default endpoints, symbol rules.

Adding a venue: one entry here, one connector module, one simulator flavour.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    family: str  # which connector module serves it
    ws_url: str  # base WebSocket URL, no trailing slash
    rest_url: str  # base REST URL, no trailing slash
    snapshot_path: str  # REST path of the depth snapshot (Binance family)
    instruments_path: str  # REST path of the instrument list
    # Binance splits USD-M streams by traffic type since 2026-04: depth lives under /public.
    ws_path_prefix: str = ""
    # REST request weight per minute (Binance: the REQUEST_WEIGHT limit of exchangeInfo);
    # we spend at most 80% of it so other clients of the same IP keep some room.
    rest_weight_per_min: int = 1200


VENUES: dict[str, Venue] = {
    v.id: v
    for v in (
        Venue(
            id="binance",
            name="Binance spot",
            family="binance",
            ws_url="wss://stream.binance.com:9443",
            rest_url="https://api.binance.com",
            snapshot_path="/api/v3/depth",
            instruments_path="/api/v3/exchangeInfo",
            rest_weight_per_min=6000,
        ),
        Venue(
            id="binance-usdm",
            name="Binance USD-M futures",
            family="binance",
            ws_url="wss://fstream.binance.com",
            rest_url="https://fapi.binance.com",
            snapshot_path="/fapi/v1/depth",
            instruments_path="/fapi/v1/exchangeInfo",
            ws_path_prefix="/public",
            rest_weight_per_min=2400,
        ),
        Venue(
            id="binance-coinm",
            name="Binance COIN-M futures",
            family="binance",
            ws_url="wss://dstream.binance.com",
            rest_url="https://dapi.binance.com",
            snapshot_path="/dapi/v1/depth",
            instruments_path="/dapi/v1/exchangeInfo",
            rest_weight_per_min=2400,
        ),
        Venue(
            id="deribit",
            name="Deribit",
            family="deribit",
            ws_url="wss://www.deribit.com/ws/api/v2",
            rest_url="https://www.deribit.com",
            snapshot_path="/api/v2/public/get_order_book",
            instruments_path="/api/v2/public/get_instruments",
        ),
    )
}

VENUE_CHOICES = [(v.id, v.name) for v in VENUES.values()]

# Which venue a recorded or configured host belongs to (captures, record, replay).
HOST_VENUES = {
    "stream.binance.com": "binance",
    "api.binance.com": "binance",
    "fstream.binance.com": "binance-usdm",
    "fapi.binance.com": "binance-usdm",
    "dstream.binance.com": "binance-coinm",
    "dapi.binance.com": "binance-coinm",
    "www.deribit.com": "deribit",
    "test.deribit.com": "deribit",
}
