"""The centre's tickets and counters, folded from the shipped events (issue #15).

Each point's tickets at the centre must be what they are at the point, column by column,
however the events arrived (one shipment or many, folded in small batches, two refreshers at
once, a refresher killed mid-batch).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.central.centre import add_site, connect
from kiosk.central.projection import refresh
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, parse_config
from kiosk.core.errors import DatabaseError
from kiosk.core.model import Ticket
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.sync.ship import point_events, ship, ship_batch
from tests.city.support import config_text_for, fill, new_site
from tests.core.test_cli import clean_env
from tests.pg_cluster import PgCluster
from tests.support import OFFICER_PIN, local, officers_toml, only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")

#: The columns compared, in the order `point_tickets` gives them.
TICKET_COLUMNS = (
    "ticket_id, business_day, code, field, queue_field, priority, state, counter, officer, "
    "issued_at, called_at, serving_at, completed_at, recalls, transfers, dossiers, procedure, "
    "rating, rating_reasons, rated_at, last_called_at"
)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def point_tickets(store: Store, config: Config) -> list[tuple[Any, ...]]:
    return [_ticket(t) for t in QueueService(store, config).tickets()]


def _ticket(t: Ticket) -> tuple[Any, ...]:
    return (
        t.id, t.business_day, t.code, t.field, t.queue_field, t.priority, t.state.value,
        t.counter, t.officer, _utc(t.issued_at), _utc(t.called_at), _utc(t.serving_at),
        _utc(t.completed_at), t.recalls, t.transfers, t.dossiers, t.procedure, t.rating,
        list(t.rating_reasons) or None, _utc(t.rated_at), _utc(t.last_called_at),
    )  # fmt: skip


def centre_tickets(centre: str, site: str) -> list[tuple[Any, ...]]:
    with connect(centre) as conn:
        rows = conn.execute(
            f"SELECT {TICKET_COLUMNS} FROM central_tickets WHERE site = %s ORDER BY ticket_id",
            (site,),
        ).fetchall()
    return [tuple(_utc(v) if isinstance(v, datetime) else v for v in r) for r in rows]


def centre_counters(centre: str, site: str) -> dict[int, tuple[str, str | None]]:
    with connect(centre) as conn:
        rows = conn.execute(
            "SELECT counter, state, officer FROM central_counters WHERE site = %s", (site,)
        ).fetchall()
    return {int(r[0]): (r[1], r[2]) for r in rows}


class Point:
    """A SQLite point linked to a centre, with officers."""

    def __init__(self, centre: str, tmp_path: Path) -> None:
        self.site = new_site()
        self.central = add_site(centre, self.site).central_url
        self.text = config_text_for(self.site, self.central) + officers_toml()
        self.config = parse_config(self.text)
        self.url = f"sqlite:///{tmp_path / f'{self.site}.db'}"
        self.store = Store.open(self.url)

    def ship(self, batch: int | None = None) -> None:
        ship(self.store, self.config, self.central, batch=batch)

    def tickets(self) -> list[tuple[Any, ...]]:
        return point_tickets(self.store, self.config)


def test_the_centre_folds_each_point_into_the_same_tickets(centre: str, tmp_path: Path) -> None:
    a, b = Point(centre, tmp_path), Point(centre, tmp_path)
    fill(a.store, a.config, days=4, citizens=60, seed=3)
    fill(b.store, b.config, days=2, citizens=40, seed=4)
    a.ship()
    b.ship()
    done = {f.site: f for f in refresh(centre)}
    assert done[a.site].events > 0 and done[b.site].events > 0
    mine = a.tickets()
    assert {r[6] for r in mine} >= {"completed", "no_show"}  # a history with some variety
    assert any(r[14] for r in mine) and any(r[17] for r in mine)  # transfers, ratings
    assert centre_tickets(centre, a.site) == mine
    assert centre_tickets(centre, b.site) == b.tickets()
    # Caught up: another refresh folds nothing and changes nothing.
    assert [f.events for f in refresh(centre)] == [0, 0]
    assert centre_tickets(centre, a.site) == mine


def test_folding_in_small_batches_while_events_trickle_in_gives_the_same(
    centre: str, tmp_path: Path
) -> None:
    """Tickets whose events span shipments and fold batches continue from the stored rows."""
    p = Point(centre, tmp_path)
    fill(p.store, p.config, days=3, citizens=50, seed=7)
    mark = 0
    with connect(p.central) as conn:
        while events := point_events(p.store, p.site, mark, 53):
            mark = ship_batch(conn, p.site, events, after=mark)[1]
            refresh(centre, [p.site], batch=17)
    assert centre_tickets(centre, p.site) == p.tickets()


def test_live_counters_and_officers_follow_the_point(centre: str, tmp_path: Path) -> None:
    p = Point(centre, tmp_path)
    clock = ManualClock(local(2026, 12, 2, 8, 0))
    svc = QueueService(p.store, p.config, clock)
    svc.open_counter(1)
    svc.sign_in(1, "lan")
    svc.open_counter(2)
    svc.sign_in(2, "minh", pin=OFFICER_PIN)
    svc.open_counter(3)
    svc.issue("hotich")
    svc.call_next(1)
    svc.pause_counter(2, "break")
    svc.close_counter(3)
    p.ship()
    refresh(centre, [p.site])
    assert centre_counters(centre, p.site) == {
        1: ("open", "lan"),
        2: ("paused", "minh"),
        3: ("closed", None),
    }
    svc.sign_out(1)
    svc.open_counter(2)  # back from the break
    p.ship()
    refresh(centre, [p.site])
    assert centre_counters(centre, p.site) == {
        1: ("open", None),
        2: ("open", "minh"),
        3: ("closed", None),
    }
    assert centre_tickets(centre, p.site) == p.tickets()


def test_two_refreshers_at_once_fold_each_event_once(centre: str, tmp_path: Path) -> None:
    p = Point(centre, tmp_path)
    fill(p.store, p.config, days=3, citizens=60, seed=11)
    p.ship()
    errors: list[BaseException] = []
    folded: list[int] = []

    def run() -> None:
        try:
            folded.append(sum(f.events for f in refresh(centre, [p.site], batch=40)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with connect(centre) as conn:
        shipped = conn.execute(
            "SELECT count(*) FROM central_events WHERE site = %s", (p.site,)
        ).fetchone()
    assert shipped is not None and sum(folded) == shipped[0]  # each event folded once
    assert centre_tickets(centre, p.site) == p.tickets()


def test_a_refresh_killed_mid_batch_leaves_nothing_half_done(centre: str, tmp_path: Path) -> None:
    p = Point(centre, tmp_path)
    fill(p.store, p.config, days=6, citizens=80, seed=5)
    p.ship()
    env = clean_env(tmp_path)
    kills = 0
    for _ in range(5):
        start = _folded_mark(centre, p.site)
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "central", "refresh", centre, "--batch", "25"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        # Killed as soon as it committed a batch: in the middle of folding the next one.
        while proc.poll() is None and time.monotonic() < deadline:
            if _folded_mark(centre, p.site) > start:
                proc.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.005)
        proc.wait(30)
    assert kills >= 1
    refresh(centre, [p.site])
    assert centre_tickets(centre, p.site) == p.tickets()
    # --rebuild folds it all again, to the same rows.
    again = refresh(centre, [p.site], rebuild=True)
    assert again[0].before == 0 and again[0].events > 0
    assert centre_tickets(centre, p.site) == p.tickets()


def _folded_mark(centre: str, site: str) -> int:
    with connect(centre) as conn:
        row = conn.execute(
            "SELECT last_event_id FROM projection_marks WHERE site = %s", (site,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_point_shipping_to_an_older_centre_is_told_to_upgrade_it(
    pg_cluster: PgCluster, tmp_path: Path
) -> None:
    from alembic import command

    from kiosk.central.centre import _alembic_config
    from kiosk.core.database import create_db_engine

    pg_cluster.execute("CREATE DATABASE old_centre")
    try:
        old = pg_cluster.url("old_centre")
        engine = create_db_engine(old)
        with engine.begin() as conn:
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "c001")
        engine.dispose()
        p = Point(old, tmp_path)
        fill(p.store, p.config, days=1, citizens=10)
        with pytest.raises(DatabaseError, match="kiosk central init") as told:
            p.ship()
        assert "older" in told.value.message_en
        with pytest.raises(DatabaseError, match="kiosk central init"):
            refresh(old)
    finally:
        pg_cluster.execute("DROP DATABASE IF EXISTS old_centre WITH (FORCE)")


def test_refresh_names_what_is_wrong(centre: str, pg_cluster: PgCluster, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no site nosuch"):
        refresh(centre, ["nosuch"])
    pg_cluster.execute("CREATE DATABASE not_a_centre")
    try:
        bare = pg_cluster.url("not_a_centre")
        with pytest.raises(DatabaseError, match="kiosk central init"):
            refresh(bare)
        runs = run_kiosk_all(
            tmp_path,
            clean_env(tmp_path),
            ["central", "refresh", bare],
            ["central", "refresh", centre, "--site", "x,y"],
            ["central", "refresh", centre, "--batch", "0"],
        )
    finally:
        pg_cluster.execute("DROP DATABASE IF EXISTS not_a_centre WITH (FORCE)")
    for r in runs:
        assert r.returncode != 0
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kiosk: "), r.stderr
        assert "Traceback" not in r.stderr


def test_the_cli_folds_and_says_how_much(centre: str, tmp_path: Path) -> None:
    p = Point(centre, tmp_path)
    fill(p.store, p.config, days=1, citizens=30, seed=2)
    p.ship()
    (r,) = run_kiosk_all(tmp_path, clean_env(tmp_path), ["central", "refresh", centre])
    assert r.returncode == 0, r.stderr
    assert f"{p.site}: " in r.stdout and "events folded" in r.stdout
    assert centre_tickets(centre, p.site) == p.tickets()
