"""A local exchange: Binance spot, USD-M, COIN-M and Deribit on one port, with random-walk books
and fault injection, so every test and demo runs offline. See `server.Simulator`."""

from exchanges.simulator.faults import FaultSpec
from exchanges.simulator.server import Simulator

__all__ = ["FaultSpec", "Simulator"]
