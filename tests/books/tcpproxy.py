"""A TCP proxy the test controls: forwards to a server until cut, refuses everything while cut."""

from __future__ import annotations

import asyncio
import socket
import threading


class TcpProxy:
    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = _free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.connections = 0
        self.thread = threading.Thread(target=self.loop.run_forever, name="tcpproxy", daemon=True)
        self.thread.start()
        self.restore()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def restore(self) -> None:
        """Listen again: new connections reach the server."""
        self._call(self._listen())

    def cut(self) -> None:
        """Close every open connection and stop listening: clients see resets and refusals."""
        self._call(self._cut())

    def close(self) -> None:
        self.cut()
        self._call(self._finish())  # the pipes' tasks end here, not destroyed pending with the loop
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _finish(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _listen(self) -> None:
        if self.server is None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            transport = writer.transport
            sock = transport.get_extra_info("socket")
            if sock is not None:  # RST rather than FIN: the abrupt kind of outage
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            transport.abort()
        self.writers.clear()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections += 1
        self.writers.update({client_writer, server_writer})

        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.transport.abort()
                self.writers.discard(writer)

        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
