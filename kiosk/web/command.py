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

    if a.central is None and a.quiet_minutes is not None:
        raise ConfigError(
            "--quiet-minutes chỉ dùng với --central URL",
            "--quiet-minutes goes with --central URL (the centre's /city page)",
        )
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
    if a.central is not None:
        return _serve_city(config, a.central, a.quiet_minutes)
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


#: Addresses that only this PC reaches.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _serve_city(config: Any, url: str, quiet_minutes: int | None) -> int:
    """`kiosk web --central URL`: the centre's /city page (no point database)."""
    from kiosk.central.city import QUIET_MINUTES, check_centre
    from kiosk.web.city import central_app
    from kiosk.web.server import listening_socket, uvicorn_server

    web = config.web
    if not web.manager_password_hash and (
        (web.host not in LOOPBACK and not web.host.startswith("127.")) or web.trusted_proxies
    ):
        raise ConfigError(
            f"Số liệu của trung tâm không công khai: đặt mật khẩu (kiosk config "
            f"set-web-password) trước khi mở {web.host}:{web.port} cho máy khác",
            f"The centre's figures are not public: set a password with `kiosk config "
            f"set-web-password` before serving {web.host}:{web.port} to other machines"
            + (" or through a proxy" if web.trusted_proxies else "")
            + ", or bind to 127.0.0.1",
        )
    check_centre(url)  # not PostgreSQL, not a centre, unreachable: one line, before listening
    quiet = QUIET_MINUTES if quiet_minutes is None else quiet_minutes
    sock = listening_socket(web.host, web.port)
    app = central_app(config, url, quiet_minutes=quiet)
    server = uvicorn_server(app.asgi(), web)
    signed = "behind the [web] password" if web.manager_password_hash else "this PC only"
    print(
        f"kiosk web: listening on {web.host}:{web.port}; the city {web.base_url}/city "
        f"({signed}), JSON {web.base_url}/api/v1/city",
        flush=True,
    )
    server.run(sockets=[sock])
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from kiosk.arguments import whole_number

    p = sub.add_parser(
        "web",
        parents=[common],
        help="serve the ticket pages, the board and the dashboard (web.bind)",
        description="Serve citizens' ticket pages (/t/TOKEN, the QR on each ticket), the board "
        "(/board), the head's dashboard (/manage) and the JSON API (/api/v1/…).",
    )
    p.add_argument("--bind", metavar="HOST:PORT", help="listen here instead of [web] bind")
    p.add_argument(
        "--central",
        metavar="URL",
        help="serve the city centre's /city page from this centre (its owner's URL) instead "
        "of a point's pages; no point database is needed",
    )
    p.add_argument(
        "--quiet-minutes",
        type=whole_number(1, 1440, "minutes"),
        metavar="N",
        help="with --central: a point open by its hours is 'gone quiet' after N minutes "
        "without new events (default 15)",
    )
    p.set_defaults(handler=cmd_web)
