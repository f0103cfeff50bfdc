"""The web server's own socket: what every page's latency depends on."""

from __future__ import annotations

import asyncio
import socket

from kiosk.web.server import listening_socket


def test_connections_to_the_server_send_without_waiting_for_acks() -> None:
    """Nagle off on every accepted connection: a response's headers and body leave at once
    (with it on, each page waited ~40 ms for the client's delayed ACK). asyncio turns it off
    only on sockets that say they are TCP, so the listening socket must."""
    sock = listening_socket("127.0.0.1", 0)
    seen: list[int] = []

    async def main() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted = writer.get_extra_info("socket")
            seen.append(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        port = sock.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(asyncio.wait_for(main(), 10))
    assert sock.proto == socket.IPPROTO_TCP
    assert seen == [1]
