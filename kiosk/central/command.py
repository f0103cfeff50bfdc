"""`kiosk central init URL`, `add-site ID URL` and `refresh URL`: the city centre."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any


def cmd_central_init(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.central.centre import init_centre
    from kiosk.core.database import describe_url

    before, after = init_centre(a.url)
    where = describe_url(a.url)
    ctx.out(
        {"url": where, "before": before, "after": after},
        f"{where}: the centre's schema is up to date (revision {after})"
        if before == after
        else f"{where}: the centre's schema created (revision {after})",
    )
    return 0


def cmd_central_add_site(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.central.centre import add_site

    site = add_site(a.url, a.site, host=a.host)
    done = "added" if site.new else "exists: its password was replaced"
    ctx.out(
        {"site": site.site, "role": site.role, "new": site.new, "central_url": site.central_url},
        f"Site {site.site} {done} (role {site.role}). Put this in the point's kiosk.toml; "
        "the password is shown only now:\n\n"
        f'[sync]\ncentral_url = "{site.central_url}"',
    )
    return 0


def cmd_central_refresh(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.central.projection import BATCH_EVENTS, refresh

    done = refresh(a.url, site_list(a.site), rebuild=a.rebuild, batch=a.batch or BATCH_EVENTS)
    events = sum(f.events for f in done)
    lines = [
        f"{f.site}: {f.events} events folded, {f.tickets} ticket rows written "
        f"(events up to id {f.after})"
        for f in done
        if f.events
    ]
    ctx.out(
        {"sites": [asdict(f) for f in done], "events": events},
        "\n".join([*lines, f"{len(done)} sites up to date, {events} events folded"]),
    )
    return 0


def site_list(value: str | None) -> list[str] | None:
    """`--site a,b` as a list (None: every site)."""
    if value is None:
        return None
    return [s.strip() for s in value.split(",") if s.strip()]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `central init`, `add-site` and `refresh` to the CLI."""
    from kiosk.arguments import whole_number

    central = sub.add_parser(
        "central", help="the city centre: one PostgreSQL gathering every point's events"
    ).add_subparsers(dest="central_command", required=True)
    p = central.add_parser(
        "init",
        parents=[common],
        help="create or upgrade the centre's schema (idempotent)",
        description="Create the centre's tables, month partitions and row-level security in a "
        "PostgreSQL database (its own migrations; run it again after an update). Connect as "
        "the database's owner with the right to create roles.",
    )
    p.add_argument("url", metavar="URL", help="postgresql://OWNER:PASSWORD@HOST:5432/DB")
    p.set_defaults(handler=cmd_central_init)
    p = central.add_parser(
        "add-site",
        parents=[common],
        help="give a point its own role at the centre and print its central_url",
        description="Create the point's login role with a random password (printed once) and "
        "its rows; run it again to replace a lost password.",
    )
    p.add_argument("site", metavar="ID", help="the point's [site] id, e.g. tranphu")
    p.add_argument("url", metavar="URL", help="the centre, as for `kiosk central init`")
    p.add_argument(
        "--host",
        metavar="HOST:PORT",
        help="the centre's address as the points reach it (default: the one in URL)",
    )
    p.set_defaults(handler=cmd_central_add_site)
    p = central.add_parser(
        "refresh",
        parents=[common],
        help="fold the points' shipped events into the centre's tickets and counters",
        description="Bring the centre's tickets and counters up to the events the points "
        "shipped (incremental; `kiosk web --central` and `kiosk report --central` do it too). "
        "Safe to run at any moment and from several places at once.",
    )
    p.add_argument("url", metavar="URL", help="the centre, as for `kiosk central init`")
    p.add_argument("--site", metavar="ID,…", help="only these sites (default: every site)")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="fold again from each site's first event (after an update that changed the replay)",
    )
    p.add_argument(
        "--batch",
        type=whole_number(1, 1_000_000, "events"),
        metavar="N",
        help="events folded per transaction (default 20000)",
    )
    p.set_defaults(handler=cmd_central_refresh)
