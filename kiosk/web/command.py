"""`kiosk web`: serve the ticket pages, /board and /manage with uvicorn on `web.bind`."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from kiosk.core.errors import ConfigError

log = logging.getLogger(__name__)


def cmd_web(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.web.app import create_app
    from kiosk.web.server import listening_socket, uvicorn_server

    config = ctx.config
    if a.bind:
        try:
            web = config.web.model_validate({**config.web.model_dump(), "bind": a.bind})
        except ConfigError:
            raise ConfigError(
                f"--bind {a.bind}: viết HOST:PORT", f"--bind {a.bind}: write HOST:PORT"
            ) from None
        config = config.model_copy(update={"web": web})
        ctx._config = config
    web = config.web
    from kiosk.core.catalogue import catalogue_in_use

    catalogue = catalogue_in_use(config, ctx.config_path)  # one with problems stops the start
    sock = listening_socket(web.host, web.port)
    server = uvicorn_server(create_app(ctx.service, catalogue=catalogue), web)
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
