"""`kiosk sync`: ship the point's events to the centre (service, --once, --status, --verify)."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from kiosk.core.errors import KioskError


class VerifyFailed(KioskError):
    """`kiosk sync --verify` found a day that differs (exit 1)."""


def _link(ctx: Any) -> Any:
    from kiosk.sync.service import SyncLink, central_url_of, open_point

    config = ctx.config
    central_url_of(config)  # before opening anything: a missing URL is the first thing to say
    return SyncLink(open_point(ctx.url), config, ctx.url)


def cmd_sync(ctx: Any, a: argparse.Namespace) -> int:
    link = _link(ctx)
    try:
        if a.status:
            return _status(ctx, link)
        if a.verify:
            return _verify(ctx, link)
        if a.once:
            shipped = link.run_once(batch=a.batch)
            ctx.out(
                {
                    "site": shipped.site,
                    "before": shipped.before,
                    "after": shipped.after,
                    "events": shipped.events,
                    "batches": shipped.batches,
                    "metadata_version": shipped.metadata_version,
                },
                f"Shipped {shipped.events} events of {shipped.site} in {shipped.batches} "
                f"batches: the centre has them up to event {shipped.after}"
                + (
                    f" (site settings now version {shipped.metadata_version})"
                    if shipped.metadata_version
                    else ""
                ),
            )
            return 0
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        link.serve(stop, lang=ctx.lang)
        return 0
    finally:
        link.store.close()


def _status(ctx: Any, link: Any) -> int:
    s = link.status()
    shipped = s["shipped_event_id"]
    lines = [
        f"site {s['site']} → {s['central_url']}",
        (
            f"shipped up to event {shipped} ({s['shipped_source']})"
            if shipped is not None
            else "shipped: nothing known yet (the centre cannot be reached)"
        ),
        f"backlog: {s['backlog']} events (the point's last event is {s['point_last_event_id']})",
    ]
    if s["centre_error"]:
        lines.append(f"centre: {s['centre_error']}")
    lines.append(
        f"last error: {s['last_error']} at {s['last_error_at']}"
        if s["last_error"]
        else "last error: none"
    )
    ctx.out(s, "\n".join(lines))
    return 0


def _verify(ctx: Any, link: Any) -> int:
    v = link.verify()

    def day(d: Any) -> Any:
        return None if d is None else {"events": d.events, "checksum": d.checksum}

    data = {
        "site": link.site,
        "shipped_event_id": v.mark,
        "days": v.days,
        "first_difference": v.first_difference.isoformat() if v.first_difference else None,
        "point": day(v.point),
        "centre": day(v.centre),
    }
    if v.first_difference is None:
        ctx.out(data, f"{v.days} days agree up to event {v.mark}: the centre equals the point")
        return 0
    if ctx.json:
        ctx.out(data, "")
        return 1
    d = f"{v.first_difference:%d/%m/%Y}"

    def shown(s: Any) -> str:
        return "no events" if s is None else f"{s.events} events, md5 {s.checksum}"

    raise VerifyFailed(
        f"ngày đầu tiên khác nhau: {d} (điểm: {shown(v.point)}; trung tâm: {shown(v.centre)})",
        f"the first day that differs is {d} (point: {shown(v.point)}; centre: {shown(v.centre)})",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `sync` to the CLI."""
    from kiosk.arguments import whole_number

    p = sub.add_parser(
        "sync",
        parents=[common],
        help="ship this point's events to the city centre ([sync] central_url)",
        description="Ship the point's event log to the centre exactly once: as a service "
        "(every [sync] interval_seconds until stopped), or once. The point's database is only "
        "read.",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--once", action="store_true", help="ship the backlog once and exit")
    what.add_argument(
        "--status", action="store_true", help="last shipped event, backlog and last error"
    )
    what.add_argument(
        "--verify",
        action="store_true",
        help="compare per-day counts and checksums with the centre; name the first day that "
        "differs",
    )
    p.add_argument(
        "--batch",
        type=whole_number(1, 100_000, "events"),
        metavar="N",
        help="events per central transaction (default [sync] batch_events)",
    )
    p.set_defaults(handler=cmd_sync)
