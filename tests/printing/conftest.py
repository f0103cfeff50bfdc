"""Fixtures for the printing tests: a sample ticket and real TCP "printers" on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from kiosk.printing.ticket_image import TicketFace
from tests.printing.samples import TcpPrinter, make_face


@pytest.fixture
def face() -> TicketFace:
    return make_face()


@pytest.fixture
def tcp_printer() -> Iterator[Callable[..., TcpPrinter]]:
    """Factory of TcpPrinter servers, all closed at the end of the test."""
    servers: list[TcpPrinter] = []

    def start(*args: object, **kwargs: object) -> TcpPrinter:
        server = TcpPrinter(*args, **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def full_backlog_port() -> Iterator[int]:
    """A port whose accept queue is full, so a new connection hangs in its handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    filler = socket.create_connection(("127.0.0.1", port))
    yield port
    filler.close()
    listener.close()
