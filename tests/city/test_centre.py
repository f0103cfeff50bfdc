"""The city centre and `kiosk sync` against the real PostgreSQL the suite starts (issue #15).

The centre is always PostgreSQL (these tests run with the PostgreSQL backend); the points are
SQLite files filled by the simulator, and one PostgreSQL point. Rows are compared one by one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from kiosk.central.centre import CENTRAL_HEAD, MIGRATIONS, add_site, connect, init_centre
from kiosk.core.database import create_db_engine, upgrade
from kiosk.core.errors import DatabaseError, DatabaseUnreachable
from kiosk.core.store import Store
from kiosk.sync.service import SyncLink
from kiosk.sync.ship import point_events, ship, ship_batch
from kiosk.sync.verify import point_days
from tests.city.support import (
    centre_rows,
    config_text_for,
    fill,
    new_site,
    point_config,
    point_rows,
)
from tests.conftest import PG_OWNER, pg_url
from tests.core.test_cli import clean_env
from tests.pg_cluster import PgCluster, free_port
from tests.support import only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")


@pytest.fixture
def sqlite_point(tmp_path: Path) -> Callable[..., SyncLink]:
    """A SQLite point with a simulated history, linked to a centre as a new site."""

    def make(centre_url: str, *, days: int = 4, site: str | None = None) -> SyncLink:
        site = site or new_site()
        central = add_site(centre_url, site).central_url
        config = point_config(site, central)
        url = f"sqlite:///{tmp_path / f'{site}.db'}"
        store = Store.open(url)
        fill(store, config, days)
        return SyncLink(store, config, url)

    return make


# ------------------------------------------------------------------------------ the centre


def test_init_is_idempotent_and_apart_from_the_points_migrations(
    pg_cluster: PgCluster, centre: str, tmp_path: Path
) -> None:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == CENTRAL_HEAD

    assert init_centre(centre) == (CENTRAL_HEAD, CENTRAL_HEAD)  # the fixture ran it once
    tables = {
        r[0]
        for r in pg_cluster.execute("SELECT tablename FROM pg_tables", centre.rsplit("/", 1)[1])
    }
    assert {"sites", "high_water", "central_events", "central_alembic_version"} <= tables
    assert "alembic_version" not in tables and "queue_events" not in tables

    # The point's upgrade refuses the centre's database and leaves it as it was.
    engine = create_db_engine(centre)
    with pytest.raises(DatabaseError, match="belongs to another program"):
        upgrade(engine, centre)
    engine.dispose()
    after = {
        r[0]
        for r in pg_cluster.execute("SELECT tablename FROM pg_tables", centre.rsplit("/", 1)[1])
    }
    assert after == tables


def test_init_refuses_what_is_not_a_reachable_postgresql(
    pg_cluster: PgCluster, tmp_path: Path
) -> None:
    with pytest.raises(DatabaseError, match="must be a PostgreSQL database"):
        init_centre(f"sqlite:///{tmp_path / 'c.db'}")
    closed = f"postgresql://u:secret@127.0.0.1:{free_port()}/city"
    with pytest.raises(DatabaseUnreachable) as err:
        init_centre(closed)
    assert "127.0.0.1" in str(err.value) and "secret" not in str(err.value)

    # An owner whose password holds "@", ":" and "/", typed as is.
    password = "p@ss:w/rd"
    pg_cluster.execute(f"CREATE ROLE city_owner LOGIN CREATEROLE PASSWORD '{password}'")
    pg_cluster.execute("CREATE DATABASE city_at OWNER city_owner")
    try:
        url = f"postgresql://city_owner:{password}@127.0.0.1:{pg_cluster.port}/city_at"
        assert init_centre(url) == (None, CENTRAL_HEAD)
        site = new_site()
        made = add_site(url, site)
        with connect(made.central_url) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (f"site_{site}",)
    finally:
        pg_cluster.execute("DROP DATABASE city_at WITH (FORCE)")
        pg_cluster.execute("DROP OWNED BY city_owner")


def test_add_site_again_replaces_the_password(centre: str) -> None:
    site = new_site()
    first = add_site(centre, site)
    second = add_site(centre, site)
    assert first.new and not second.new and first.central_url != second.central_url
    with pytest.raises(DatabaseError, match="password"), connect(first.central_url):
        pass
    with connect(second.central_url) as conn:
        assert conn.execute("SELECT last_event_id FROM high_water").fetchall() == [(0,)]
    with pytest.raises(DatabaseError, match="not a site id"):
        add_site(centre, "Trần Phú")


# ------------------------------------------------------------------------------ shipping


def test_a_points_history_arrives_row_by_row_in_month_partitions(
    centre: str, sqlite_point: Callable[..., SyncLink], pg_cluster: PgCluster
) -> None:
    link = sqlite_point(centre)
    total = len(point_rows(link))
    batches: list[tuple[int, int]] = []

    shipped = ship(
        link.store,
        link.config,
        link.config.sync.central_url,
        batch=250,
        on_batch=lambda n, mark: batches.append((n, mark)),
    )

    assert (
        shipped.events == total and shipped.before == 0 and shipped.after == point_rows(link)[-1][0]
    )
    assert shipped.batches == len(batches) == -(-total // 250)
    assert [m for _, m in batches] == sorted(m for _, m in batches)  # in id order
    assert centre_rows(centre, link.site) == point_rows(link)
    parts = {
        r[0]
        for r in pg_cluster.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE c.relkind = 'r'",
            centre.rsplit("/", 1)[1],
        )
    }
    assert parts == {"central_events_2026_11", "central_events_2026_12"}
    assert shipped.metadata_version == 1

    again = ship(link.store, link.config, link.config.sync.central_url)
    assert (again.events, again.batches, again.metadata_version) == (0, 0, None)

    renamed = point_config(
        link.site,
        link.config.sync.central_url,
        **{'name = "Điểm phục vụ hành chính công xã Trần Phú"': 'name = "Điểm mới"'},
    )
    assert ship(link.store, renamed, renamed.sync.central_url).metadata_version == 2
    with connect(centre) as conn:
        meta, version = conn.execute(
            "SELECT metadata, version FROM sites WHERE id = %s", (link.site,)
        ).fetchone()
    assert version == 2 and meta["site"]["name"] == "Điểm mới"
    assert [f["code"] for f in meta["fields"]] == [f.code for f in renamed.fields]
    assert "officers" not in meta  # no PIN hash leaves the point


def test_a_duplicated_batch_changes_nothing(
    centre: str, sqlite_point: Callable[..., SyncLink]
) -> None:
    link = sqlite_point(centre, days=2)
    events = point_events(link.store, link.site, 0, 300)
    later = point_events(link.store, link.site, 150, 300)  # half of it shipped already
    assert len(later) == 300 and later[-1][0] > events[-1][0]
    with connect(link.config.sync.central_url) as conn:
        first = ship_batch(conn, link.site, events, after=0)
        again = ship_batch(conn, link.site, events, after=0)  # the point never heard of the commit
        overlapping = ship_batch(conn, link.site, later, after=150)
    assert first[:2] == (300, events[-1][0])
    assert again[:2] == (0, events[-1][0])
    assert overlapping[:2] == (150, later[-1][0])
    rows = centre_rows(centre, link.site)
    assert rows == point_rows(link)[:450]
    assert len({r[0] for r in rows}) == len(rows)


def test_a_postgresql_point_ships_too(centre: str, pg_cluster: PgCluster, pg_template: str) -> None:
    name = f"point_{new_site()}"
    pg_cluster.execute(
        f"CREATE DATABASE {name} TEMPLATE {pg_template} OWNER {PG_OWNER} STRATEGY FILE_COPY"
    )
    try:
        site = new_site()
        config = point_config(site, add_site(centre, site).central_url)
        url = pg_url(pg_cluster, name)
        store = Store.open(url)
        fill(store, config, days=2)
        link = SyncLink(store, config, url)
        link.run_once(batch=300)
        assert centre_rows(centre, site) == point_rows(link)
        assert link.verify().first_difference is None
        store.close()
    finally:
        pg_cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ------------------------------------------------------------------------------ security


def test_a_points_role_touches_only_its_own_site(
    centre: str, sqlite_point: Callable[..., SyncLink]
) -> None:
    a = sqlite_point(centre, days=1)
    b = sqlite_point(centre, days=1)
    a.run_once()
    a_mark = a.status()["shipped_event_id"]
    assert a_mark > 0

    with connect(b.config.sync.central_url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO central_events (site, event_id, at, business_day, kind, actor, data)"
                " VALUES (%s, 999999, '2026-11-27 03:00+00', '2026-11-27', 'issued', 'x', '{}')",
                (a.site,),
            )
        for table in ("central_events", "central_events_2026_11"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(f"SELECT count(*) FROM {table}")
        moved = conn.execute(
            "UPDATE high_water SET last_event_id = 1 WHERE site = %s", (a.site,)
        ).rowcount
        assert moved == 0
        assert conn.execute("SELECT site FROM high_water").fetchall() == [(b.site,)]
        assert conn.execute("SELECT id FROM sites").fetchall() == [(b.site,)]
        assert conn.execute("UPDATE sites SET version = 99 WHERE id = %s", (a.site,)).rowcount == 0
        assert conn.execute("SELECT * FROM kiosk_site_days()").fetchall() == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE sites SET role = 'x' WHERE id = %s", (b.site,))
    assert a.status()["shipped_event_id"] == a_mark

    # b's URL in a's config: refused before anything is shipped.
    wrong = SyncLink(a.store, point_config(a.site, b.config.sync.central_url), a.db_url)
    with pytest.raises(DatabaseError, match=f"belongs to site '{b.site}'"):
        wrong.run_once()


# ------------------------------------------------------------------------------ verify


def test_verify_names_the_first_day_that_differs(
    centre: str, sqlite_point: Callable[..., SyncLink]
) -> None:
    link = sqlite_point(centre, days=4)
    link.run_once()
    days = sorted(point_days(link.store, link.site, 10**9))
    ok = link.verify()
    assert ok.first_difference is None and ok.days == 4

    with connect(centre) as conn:
        conn.execute(
            "UPDATE central_events SET kind = 'recalled' WHERE site = %s AND event_id = "
            "(SELECT max(event_id) FROM central_events WHERE site = %s AND business_day = %s)",
            (link.site, link.site, days[3]),
        )
    assert link.verify().first_difference == days[3]
    with connect(centre) as conn:
        conn.execute(
            "DELETE FROM central_events WHERE site = %s AND event_id = "
            "(SELECT min(event_id) FROM central_events WHERE site = %s AND business_day = %s)",
            (link.site, link.site, days[1]),
        )
    found = link.verify()
    assert found.first_difference == days[1]
    assert found.point is not None and found.centre is not None
    assert found.point.events == found.centre.events + 1


# ------------------------------------------------------------------------------ the CLI


def test_city_mistakes_are_one_line(centre: str, tmp_path: Path) -> None:
    site = new_site()
    central = add_site(centre, site).central_url
    db = tmp_path / "p.db"
    Store.open(f"sqlite:///{db}").close()

    def toml(name: str, url: str, site_id: str = site) -> str:
        path = tmp_path / name
        path.write_text(config_text_for(site_id, url), encoding="utf-8")
        return str(path)

    old = tmp_path / "old.db"
    Store.open(f"sqlite:///{old}").close()
    with sqlite3.connect(old) as conn:  # as if kiosk was updated but no program opened it yet
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    no_url = toml("none.toml", "")
    other_site = toml("other.toml", central, site_id="elsewhere")
    bad_scheme = toml("bad.toml", "mysql://u:topsecret@h/db")
    env = clean_env(tmp_path)
    fresh = f"{centre.rsplit('/', 1)[0]}/postgres"
    cases = [
        (["central", "init", f"sqlite:///{tmp_path / 'c.db'}"], 2, "must be a PostgreSQL"),
        (["central", "add-site", "Bad Id", centre], 2, "is not a site id"),
        (["central", "add-site", "x1", fresh], 2, "run `kiosk central init URL`"),
        (
            ["central", "init", f"postgresql://u:topsecret@127.0.0.1:{free_port()}/c"],
            1,
            "Cannot connect to the database server",
        ),
        (["sync", "--once", "--db", f"sqlite:///{db}", "--config", no_url], 2, "No centre is set"),
        (
            ["sync", "--once", "--db", f"sqlite:///{db}", "--config", other_site],
            2,
            f"belongs to site '{site}'",
        ),
        (
            [
                "sync",
                "--once",
                "--db",
                f"sqlite:///{tmp_path / 'missing.db'}",
                "--config",
                other_site,
            ],
            2,
            "There is no point database",
        ),
        (
            ["sync", "--status", "--db", f"sqlite:///{db}", "--config", bad_scheme],
            2,
            "sync.central_url",
        ),
        (["sync", "--once", "--status"], 2, "not both"),
        (
            ["sync", "--once", "--db", f"sqlite:///{old}", "--config", other_site],
            2,
            "is at schema revision 0008, not",
        ),
    ]
    results = run_kiosk_all(tmp_path, env, *(args for args, _, _ in cases))
    for (args, code, words), result in zip(cases, results, strict=True):
        assert result.returncode == code, (args, result.stderr)
        lines = result.stderr.splitlines()
        assert "Traceback" not in result.stderr, result.stderr
        assert words in result.stderr, (args, result.stderr)
        assert "topsecret" not in result.stderr + result.stdout
        if "sync.central_url" not in words:
            assert len(lines) == 1, (args, result.stderr)


def test_status_and_verify_speak_json(
    centre: str, sqlite_point: Callable[..., SyncLink], tmp_path: Path
) -> None:
    link = sqlite_point(centre, days=1)
    cfg = tmp_path / "k.toml"
    cfg.write_text(config_text_for(link.site, link.config.sync.central_url), encoding="utf-8")
    env = clean_env(tmp_path, KIOSK_DB=link.db_url, KIOSK_CONFIG=str(cfg))
    (before,) = run_kiosk_all(tmp_path, env, ["sync", "--status", "--json"])
    (once,) = run_kiosk_all(tmp_path, env, ["sync", "--once"])
    status, verify = run_kiosk_all(
        tmp_path, env, ["sync", "--status", "--json"], ["sync", "--verify", "--json"]
    )
    last = point_rows(link)[-1][0]
    first = json.loads(before.stdout)
    assert (first["shipped_event_id"], first["backlog"], first["shipped_source"]) == (
        0,
        last,
        "centre",
    )
    assert once.returncode == 0 and f"up to event {last}" in once.stdout
    after = json.loads(status.stdout)
    assert (after["shipped_event_id"], after["backlog"], after["last_error"]) == (last, 0, "")
    assert "***" in after["central_url"] and link.config.sync.central_url not in status.stdout
    checked = json.loads(verify.stdout)
    assert verify.returncode == 0 and checked["first_difference"] is None and checked["days"] == 1
