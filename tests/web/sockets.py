"""Browser WebSockets driven in-process through the project's real ASGI application."""

from __future__ import annotations

import asyncio
import json

from channels.testing import WebsocketCommunicator

ORIGIN = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


async def connect(path: str, headers=ORIGIN) -> tuple[WebsocketCommunicator, bool]:
    from marketagg.asgi import application

    client = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await client.connect(timeout=5)
    return client, connected


async def next_message(client: WebsocketCommunicator, timeout: float = 5.0) -> dict:
    return json.loads(await client.receive_from(timeout=timeout))


async def closed_with(client: WebsocketCommunicator, timeout: float = 5.0) -> int | None:
    """The close code the server sent, skipping any data still on the way."""
    end = asyncio.get_running_loop().time() + timeout
    while True:
        left = end - asyncio.get_running_loop().time()
        output = await client.receive_output(timeout=max(0.01, left))
        if output["type"] == "websocket.close":
            return output.get("code")
