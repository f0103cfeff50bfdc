"""The points' configs as the centre reads them back from their shipped metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from psycopg.types.json import Jsonb

from kiosk.central.centre import add_site, connect
from kiosk.central.sites import central_sites
from kiosk.core.config import parse_config
from kiosk.core.store import Store
from kiosk.sync.ship import ship
from tests.city.support import config_text_for, new_site
from tests.support import ALWAYS_OPEN, only_backend

pytestmark = only_backend("postgresql")

ROUND_THE_CLOCK = {**ALWAYS_OPEN, "wait_target_minutes = 15": "wait_target_minutes = 20"}


def test_a_points_config_comes_back_as_it_shipped_it(centre: str, tmp_path: Path) -> None:
    site, never = new_site(), new_site()
    central = add_site(centre, site).central_url
    add_site(centre, never)
    text = config_text_for(site, central, **ROUND_THE_CLOCK)
    config = parse_config(text)
    ship(Store.open(f"sqlite:///{tmp_path / 'p.db'}"), config, central)
    with connect(centre) as conn:
        by_id = {s.id: s for s in central_sites(conn)}
    got = by_id[site]
    assert got.problem == "" and got.version == 1
    assert got.config.site == config.site
    assert got.config.hours == config.hours
    assert got.config.fields == config.fields
    assert got.config.counters == config.counters
    assert got.config.reports.wait_target_minutes == 20
    # Its rules are the point's own: open on a Sunday night, today in Hà Nội's calendar.
    sunday_night = datetime(2026, 12, 6, 2, 30, tzinfo=got.config.zone)
    assert got.config.hours.is_open(sunday_night)
    assert got.config.local_today(datetime(2026, 12, 5, 18, 0, tzinfo=UTC)).day == 6
    # Added but never shipped: its id, the defaults, no shipment.
    assert by_id[never].version == 0 and by_id[never].last_shipment is None
    assert by_id[never].config.site.id == never


def test_metadata_from_a_newer_kiosk_keeps_the_name_and_says_why(centre: str) -> None:
    site = new_site()
    add_site(centre, site)
    newer = {
        "site": {"id": site, "name": "Điểm mới", "name_en": "New point", "colour": "red"},
        "fields": [{"code": "hotich", "name": "Hộ tịch", "future_key": 1}],
    }
    with connect(centre) as conn:
        conn.execute("UPDATE sites SET metadata = %s WHERE id = %s", (Jsonb(newer), site))
        (got,) = central_sites(conn, [site])
    assert got.problem != ""
    assert got.config.site.name == "Điểm mới" and got.config.site.id == site
