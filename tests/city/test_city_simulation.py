"""A simulated city in one staging database, shipped site by site to a real centre (#15).

The generator makes Hà Nội's network (communes, then branches) the same way for the same
seed, each point's config parsed as a kiosk.toml; `kiosk simulate --write --bulk --sites N`
through the real CLI fills one SQLite staging database, each site replaying cleanly; every
site shipped from it reaches the centre row by row, exactly once.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from kiosk.central.centre import add_site
from kiosk.core.config import load_config
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from kiosk.reports.arrivals import SimulationError, open_days
from kiosk.reports.city import city_points, city_sites, simulate_city, write_city_configs
from kiosk.reports.simulate import simulate_bulk
from kiosk.sync.service import SyncLink
from kiosk.sync.staging import ship_sites
from tests.city.support import START, centre_rows, fill, point_config, point_rows
from tests.core.test_cli import clean_env
from tests.support import only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")

VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def test_the_city_is_hanois_network_the_same_for_the_same_seed(tmp_path: Path) -> None:
    points = city_points(156, seed=7)
    assert [p.text for p in points] == [p.text for p in city_points(156, seed=7)]
    assert [p.text for p in points[:20]] != [p.text for p in city_points(20, seed=8)]
    communes, branches = points[:126], points[126:]
    assert [p.site for p in communes] == [f"xa{i:03d}" for i in range(1, 127)]
    assert [p.site for p in branches] == [f"cn{i:02d}" for i in range(1, 31)]
    assert not any(p.branch for p in communes) and all(p.branch for p in branches)
    assert communes[0].config.site.name == "Điểm phục vụ hành chính công phường Hoàn Kiếm"
    assert communes[0].config.site.name_en == "Hoan Kiem Ward Public Administration Service Point"
    assert points[60].config.site.name.startswith("Điểm phục vụ hành chính công xã ")
    assert branches[4].config.site.name.endswith("Chi nhánh số 05")
    assert len({p.config.site.name for p in points}) == 156
    for p, (citizens, counters) in [(p, ((30, 150), (3, 6))) for p in communes] + [
        (p, ((150, 400), (6, 12))) for p in branches
    ]:
        c = p.config
        assert c.site.id == p.site and c.site.timezone == "Asia/Ho_Chi_Minh"
        assert not VIETNAMESE.search(c.site.name_en.lower()), c.site.name_en
        assert citizens[0] <= p.profile.citizens_per_day <= citizens[1]
        assert counters[0] <= len(c.counters) <= counters[1]
        assert [f.code for f in c.fields] == [
            "hotich", "chungthuc", "datdai", "xahoi", "tuphap", "kinhte", "ketqua",
        ]  # fmt: skip
        assert {n for f in c.fields for n in f.counters} == {k.number for k in c.counters}
        assert len(c.officers) == 2 * len(c.counters)
        assert len(c.ratings.labels) == 4 and c.sync.central_url == ""
    # Written and read back as kiosk.toml files, through the same loader as a real point.
    paths = write_city_configs(points[:3] + points[-1:], tmp_path / "city")
    assert [p.name for p in paths] == ["xa001.toml", "xa002.toml", "xa003.toml", "cn30.toml"]
    assert load_config(paths[-1]) == points[-1].config
    # Fewer points keep the proportion: communes first, then at least one branch.
    assert [c.site.id for c in city_sites(3)] == ["xa001", "xa002", "cn01"]


def test_a_city_through_the_cli_replays_and_ships_each_site_exactly_once(
    tmp_path: Path, centre: str
) -> None:
    db = tmp_path / "city.db"
    url = f"sqlite:///{db}"
    # Another point already in the database: the city goes beside it.
    other = point_config("tranphu")
    store = Store.open(url)
    fill(store, other, days=2)
    store.close()
    env = clean_env(tmp_path)
    args = ["simulate", "--write", "--bulk", "--sites", "3", "--days", "2", "--from"]
    (done, again) = run_kiosk_all(
        tmp_path,
        env,
        [*args, "2026-11-23", "--db", url, "--sites-config-dir", str(tmp_path / "cfg"), "--json"],
    ) + run_kiosk_all(tmp_path, env, [*args, "2026-11-23", "--db", url])
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sites"] == 3 and result["days"] == 2
    assert result["first_day"] == "2026-11-23" and result["last_day"] == "2026-11-24"
    # Running it again would add the same days: refused in one line, nothing written.
    assert again.returncode == 2
    assert again.stderr.startswith("kiosk: The database already has events up to")
    assert len(again.stderr.strip().splitlines()) == 1

    configs = [load_config(p) for p in sorted((tmp_path / "cfg").glob("*.toml"))]
    assert [c.site.id for c in configs] == ["cn01", "xa001", "xa002"]
    store = Store.open(url, migrate=False)
    for config in [*configs, other]:
        service = QueueService(store, config)
        tickets = service.tickets()
        events = service.events_after(0, limit=1_000_000)
        expected = result["per_site"].get(config.site.id)
        if expected:
            assert [len(tickets), len(events)] == expected
        assert tickets and mismatches(tickets, replay(events)) == []
        # A site's events are in id order as they happened (what sync ships above its mark).
        assert [e.at for e in events] == sorted(e.at for e in events)

    # Every site shipped from the one database, each with the config written for it and the
    # URL its `central add-site` printed: the centre holds exactly each site's events.
    linked = []
    for config in configs:
        path = tmp_path / "cfg" / f"{config.site.id}.toml"
        text = path.read_text(encoding="utf-8")
        central = add_site(centre, config.site.id).central_url
        path.write_text(text.replace('central_url = ""', f'central_url = "{central}"', 1))
        linked.append(load_config(path))
    shipped = ship_sites(store, url, linked, batch=100)
    assert [s.site for s in shipped] == ["cn01", "xa001", "xa002"]
    assert all(
        s.events == len(point_rows(SyncLink(store, c, url)))
        for s, c in zip(shipped, linked, strict=True)
    )
    assert all(s.batches > 1 for s in shipped)
    for config in linked:
        link = SyncLink(store, config, url)
        assert centre_rows(centre, link.site) == point_rows(link)
        assert link.verify().first_difference is None
    assert centre_rows(centre, "tranphu") == []  # the other point was not asked
    assert [s.events for s in ship_sites(store, url, linked)] == [0, 0, 0]
    store.close()


def test_worker_processes_write_the_same_database_as_one_process(tmp_path: Path) -> None:
    points = city_points(3, seed=5)
    dumps = []
    for workers in (1, 2):
        url = f"sqlite:///{tmp_path / f'w{workers}.db'}"
        store = Store.open(url)
        fill(store, point_config("tranphu"), days=1)  # ids already taken: the city follows
        result = simulate_city(
            store, url, points, lambda c: open_days(c, START, 2), seed=5, workers=workers
        )
        assert result.workers == workers and result.sites == 3
        store.close()
        with sqlite3.connect(tmp_path / f"w{workers}.db") as conn:
            dumps.append(list(conn.iterdump()))
    assert dumps[0] == dumps[1]
    assert not list(tmp_path.glob("kiosk-city-*"))  # the workers' files are gone


#: Bad city arguments and the start of the one line each gets.
BAD_ARGUMENTS = [
    (["--sites", "0", "--write", "--bulk"], "--sites must be between 1 and 1000 points, not 0"),
    (["--sites", "-2", "--write", "--bulk"], "--sites must be between 1 and 1000 points, not -2"),
    (["--sites", "1001", "--write", "--bulk"], "--sites must be between 1 and 1000 points"),
    (["--sites", "3"], "--sites needs --write --bulk"),
    (["--sites", "3", "--write"], "--sites needs --write --bulk"),
    (["--sites", "3", "--write", "--bulk", "--citizens", "90"], "--citizens does not apply"),
    (["--sites", "3", "--write", "--bulk", "--workers", "0"], "simulate: --workers: 0 is out"),
    (["--sites-config-dir", "x"], "--sites-config-dir only applies with --sites N"),
]


def test_a_bad_city_argument_gets_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/c.db"
    results = run_kiosk_all(
        tmp_path, clean_env(tmp_path), *(["simulate", *a, "--db", db] for a, _ in BAD_ARGUMENTS)
    )
    for done, (args, message) in zip(results, BAD_ARGUMENTS, strict=True):
        assert done.returncode == 2, args
        assert done.stderr.startswith(f"kiosk: {message}"), (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, args
    assert not (tmp_path / "c.db").exists()
    assert not (tmp_path / "x").exists()


def test_the_bulk_simulator_refuses_only_the_same_sites_days(tmp_path: Path) -> None:
    """The check before writing is per site: a staging database holds other points."""
    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    first, second = city_points(2)
    days = open_days(first.config, date(2026, 11, 23), 1)
    simulate_bulk(store, first.config, first.profile, days)
    simulate_bulk(store, second.config, second.profile, days)
    with pytest.raises(SimulationError, match="already has events"):
        simulate_bulk(store, first.config, first.profile, days)
    store.close()


def test_a_postgresql_staging_database_takes_the_points_one_by_one(db_url: str) -> None:
    points = city_points(2)
    store = Store.open(db_url)
    result = simulate_city(store, db_url, points, lambda c: open_days(c, START, 1), workers=2)
    assert result.workers == 1
    for p in points:
        service = QueueService(store, p.config)
        tickets = service.tickets()
        assert len(tickets) == result.per_site[p.site][0] > 0
        assert mismatches(tickets, replay(service.events_after(0, limit=100_000))) == []
    store.close()
