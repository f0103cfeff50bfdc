"""Helpers of the city tests: points filled by the simulator, centres, rows to compare."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.central.centre import add_site, connect, init_centre
from kiosk.core.config import Config, parse_config
from kiosk.core.schema import EventRow
from kiosk.core.store import Store
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.simulate import simulate_bulk
from kiosk.sync.service import SyncLink
from tests.conftest import PG_OWNER, pg_url
from tests.core.test_cli import clean_env
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


def process_point(
    folder: Path, centre: str, url: str = "", *, host: str | None = None, **extra: str
) -> tuple[SyncLink, dict[str, str]]:
    """A point (a SQLite file in `folder` unless `url` is given) linked to `centre` as a new
    site, and the environment of its `kiosk` processes (config in `folder`). `host` is the
    address its central_url names (default: the centre's own)."""
    folder.mkdir(parents=True, exist_ok=True)
    site = new_site()
    central = add_site(centre, site, host=host).central_url
    config = point_config(site, central, **extra)
    url = url or f"sqlite:///{folder / 'point.db'}"
    cfg = folder / "kiosk.toml"
    cfg.write_text(config_text_for(site, central, **extra), encoding="utf-8")
    return SyncLink(Store.open(url), config, url), clean_env(
        folder, KIOSK_DB=url, KIOSK_CONFIG=str(cfg)
    )


@contextmanager
def pg_point_database(cluster: PgCluster, template: str) -> Iterator[str]:
    """A migrated PostgreSQL database of its own for a point; its URL is the owner's."""
    name = f"point_{new_site()}"
    cluster.execute(
        f"CREATE DATABASE {name} TEMPLATE {template} OWNER {PG_OWNER} STRATEGY FILE_COPY"
    )
    try:
        yield pg_url(cluster, name)
    finally:
        if cluster.running:
            cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def centre_mark(centre: str, site: str) -> int:
    """The centre's high-water mark of `site`, read by the admin."""
    with connect(centre) as conn:
        row = conn.execute("SELECT last_event_id FROM high_water WHERE site = %s", (site,))
        return int(row.fetchone()[0])  # type: ignore[index]


def start_kiosk(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """A `kiosk` process of a point (e.g. `sync`), its output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for(what: str, check: Callable[[], object], timeout: float = 60) -> None:
    """Poll `check` until it is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
