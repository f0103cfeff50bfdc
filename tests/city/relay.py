"""A TCP relay between the points and the centre, which a test cuts and mends: the network
link of a city point, made unreachable for real without stopping the centre's server (which
the rest of the suite, and a PostgreSQL point, keep using)."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.pg_cluster import free_port


class Relay:
    """Forwards connections made to 127.0.0.1:`port` to `target_port`, byte for byte.

    `cut()` closes the listening socket (new connections are refused, as by a server that is
    down) and breaks every open connection; `mend()` listens again on the same port.
    """

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._open: set[socket.socket] = set()

    def mend(self) -> None:
        """Listen (again) on `port`."""
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR
        with self._lock:
            assert self._listener is None, "the relay is already up"
            self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def cut(self) -> None:
        """Refuse new connections and break the open ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            broken, self._open = self._open, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
            listener.close()
        if self._accepting is not None:
            self._accepting.join(timeout=10)
        for sock in broken:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(server)
                    continue
                self._open |= {client, server}
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        # Either side ending ends the connection (PostgreSQL's protocol never half-closes).
        with self._lock:
            self._open -= {src, dst}
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
