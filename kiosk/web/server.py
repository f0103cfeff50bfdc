"""Running the ASGI app with uvicorn: the listening socket, the settings, a server in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kiosk.core.config import WebConfig
from kiosk.core.errors import KioskError


class PortInUse(KioskError):
    exit_code = 2


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind the server's socket ourselves, so a busy port is one clear line, not a log dump."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose
    # proto says TCP, and with Nagle on every response waited ~40 ms for the client's
    # delayed ACK between its headers and its body.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortInUse(
            f"Không mở được cổng {host}:{port} ({exc.strerror}); chọn cổng khác trong [web] bind",
            f"Cannot listen on {host}:{port} ({exc.strerror}): another program uses it or the "
            "address is not this PC's; choose another with [web] bind or --bind",
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_server(app: Any, web: WebConfig) -> Any:
    """A uvicorn server for `app` with our settings (quiet, proxies only when trusted)."""
    import uvicorn

    trusted = ",".join(web.trusted_proxies)
    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
            server_header=False,
            timeout_graceful_shutdown=2,
            timeout_keep_alive=20,
        )
    )


@contextmanager
def serve_in_thread(app: Any, web: WebConfig) -> Iterator[str]:
    """Serve `app` on a free loopback port in a thread (screenshots, tests); yields its URL."""
    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn_server(app, web)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
