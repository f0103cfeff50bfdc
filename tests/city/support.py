"""Helpers of the city tests: points filled by the simulator, centres, rows to compare."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import select

from kiosk.central.centre import connect, init_centre
from kiosk.core.config import Config, parse_config
from kiosk.core.schema import EventRow
from kiosk.core.store import Store
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.simulate import simulate_bulk
from kiosk.sync.service import SyncLink
from tests.pg_cluster import PgCluster
from tests.support import config_text

_numbers = itertools.count(1)
#: Friday 27/11/2026: four open days from here cross into December (two partitions).
START = date(2026, 11, 27)
COLUMNS = "event_id, at, business_day, kind, ticket_id, counter, field, actor, data, officer"


def new_site() -> str:
    """A site id of its own: the points' roles are cluster-wide."""
    return f"pt{next(_numbers)}"


def point_config(site: str, central_url: str = "", **extra: str) -> Config:
    return parse_config(config_text_for(site, central_url, **extra))


def fill(
    store: Store,
    config: Config,
    days: int = 4,
    citizens: int = 60,
    seed: int = 1,
    start: date = START,
) -> list[date]:
    """Simulate `days` open days from `start` into the point; returns them."""
    dates = open_days(config, start, days)
    simulate_bulk(store, config, Profile(citizens_per_day=citizens), dates, seed=seed)
    return dates


def point_rows(link: SyncLink) -> list[tuple[Any, ...]]:
    cols = [EventRow.__table__.c[c] for c in COLUMNS.replace("event_id", "id").split(", ")]
    with link.store.read() as tx:
        rows = tx.conn.execute(
            select(*cols).where(EventRow.site == link.site).order_by(EventRow.id)
        ).all()
    return [tuple(r) for r in rows]


def centre_rows(centre_url: str, site: str) -> list[tuple[Any, ...]]:
    with connect(centre_url) as conn:
        return conn.execute(
            f"SELECT {COLUMNS} FROM central_events WHERE site = %s ORDER BY event_id, at",
            (site,),
        ).fetchall()


@contextmanager
def new_centre(cluster: PgCluster) -> Iterator[str]:
    """A new, initialised centre database; its URL is the superuser's (the admin's)."""
    name = f"centre_{next(_numbers)}"
    cluster.execute(f"CREATE DATABASE {name}")
    url = cluster.url(name)
    init_centre(url)
    yield url
    if cluster.running:
        cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def config_text_for(site: str, central_url: str, **extra: str) -> str:
    """The default config of point `site` linked to `central_url`."""
    return config_text(
        **{
            'id = "tranphu"': f'id = "{site}"',
            'central_url = ""': f'central_url = "{central_url}"',
        },
        **extra,
    )
