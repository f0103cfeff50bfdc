"""`kiosk web`: serve the ticket pages, /board and /manage with uvicorn on `web.bind`."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Any

from kiosk.core.errors import ConfigError, KioskError

log = logging.getLogger(__name__)


class PortInUse(KioskError):
    exit_code = 2


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind the server's socket ourselves, so a busy port is one clear line, not a log dump."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
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


def cmd_web(ctx: Any, a: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.web.app import create_app

    config = ctx.config
    if a.bind:
        try:
            web = config.web.model_validate({**config.web.model_dump(), "bind": a.bind})
        except ValueError:
            raise ConfigError(
                f"--bind {a.bind}: viết HOST:PORT", f"--bind {a.bind}: write HOST:PORT"
            ) from None
        config = config.model_copy(update={"web": web})
        ctx._config = config
    web = config.web
    sock = listening_socket(web.host, web.port)
    app = create_app(ctx.service)
    trusted = ",".join(web.trusted_proxies)
    server = uvicorn.Server(
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
    print(
        f"kiosk web: listening on {web.host}:{web.port}; board {web.base_url}/board, "
        f"dashboard {web.base_url}/manage, ticket pages {web.base_url}/t/…",
        flush=True,
    )
    if not web.public_url:
        print(
            "kiosk web: [web] public_url is not set, so printed tickets carry no page address",
            file=sys.stderr,
            flush=True,
        )
    server.run(sockets=[sock])
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "web",
        parents=[common],
        help="serve the ticket pages, the board and the dashboard (web.bind)",
        description="Serve citizens' ticket pages (/t/TOKEN, the QR on each ticket), the board "
        "(/board), the head's dashboard (/manage) and the JSON API (/api/v1/…).",
    )
    p.add_argument("--bind", metavar="HOST:PORT", help="listen here instead of [web] bind")
    p.set_defaults(handler=cmd_web)
