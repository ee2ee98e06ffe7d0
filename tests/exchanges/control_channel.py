"""The feed process's control channel as a test reads it: the real channel layer of the settings."""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings


class ControlChannel:
    """What was put on the control channel, read the way the feed process reads it."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel = settings.MARKETAGG["CONTROL_CHANNEL"]

    def flush(self) -> None:
        async_to_sync(self.layer.flush)()

    def receive(self, timeout: float = 5.0) -> dict:
        """The next message; fails after `timeout` seconds without one."""

        async def one() -> dict:
            return await asyncio.wait_for(self.layer.receive(self.channel), timeout)

        try:
            return async_to_sync(one)()
        except TimeoutError:
            raise AssertionError(f"no control message within {timeout} s") from None

    def empty(self) -> bool:
        """True if nothing is waiting. The in-memory layer queues a message during `send` itself,
        so a message sent before this call is already there: the short wait is no race."""
        try:
            message = self.receive(timeout=0.05)
        except AssertionError:
            return True
        raise AssertionError(f"unexpected control message {message}")
