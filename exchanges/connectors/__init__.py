"""Connector classes by venue family. A new venue family is one module here plus one entry."""

from exchanges.connectors.base import Connector, FeedOptions
from exchanges.connectors.binance import BinanceConnector
from exchanges.connectors.deribit import DeribitConnector

CONNECTORS: dict[str, type[Connector]] = {
    BinanceConnector.family: BinanceConnector,
    DeribitConnector.family: DeribitConnector,
}

__all__ = ["CONNECTORS", "Connector", "FeedOptions"]
