"""Time the centre's /city page over a synthetic city year (issue #15's "≤ 100 ms").

    python scripts/city_page_probe.py [--url CENTRE_URL] [--sites 156] [--days 250]

Without --url it starts a throwaway PostgreSQL (tests/pg_cluster.py). It fills a fresh centre
with rows made in SQL (generate_series), not by simulating points: `sites` points, each with
`per_day` tickets on each of `days` calendar days up to today (3.9 million tickets by default),
today's partly waiting, some of yesterday's still waiting (one of them put back in today's
queue by a transfer after midnight), six counters each. Then it serves /city in process and
times it with httpx (`kiosk.web.city.time_city_page`, which the city benchmark calls too) and
prints the plan of the per-site statement.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from psycopg.types.json import Jsonb  # noqa: E402

from kiosk.central.centre import ADMIN_SETTING, connect, init_centre  # noqa: E402
from kiosk.core.config import default_config_text, parse_config  # noqa: E402
from kiosk.sync.ship import site_metadata  # noqa: E402
from kiosk.web.screenshots import sample_point_names  # noqa: E402

_TICKETS = """
INSERT INTO central_tickets (site, ticket_id, business_day, code, field, queue_field, priority,
    state, counter, issued_at, called_at, serving_at, completed_at, recalls, transfers,
    dossiers, last_called_at)
SELECT s.id, d.n * %(per_day)s + t.n, d.day, 'A' || lpad(t.n::text, 3, '0'), 'hotich', 'hotich',
       t.n %% 10 = 0,
       CASE WHEN d.day < %(today)s THEN 'completed'
            WHEN t.n > %(per_day)s - 12 THEN 'waiting' ELSE 'completed' END,
       1 + t.n %% 6, i.at, i.at + interval '9 min', i.at + interval '9 min',
       i.at + interval '17 min', 0, 0, 1, i.at + interval '9 min'
FROM sites s
CROSS JOIN LATERAL (SELECT (%(today)s::date - g)::date AS day, %(days)s - g AS n
                    FROM generate_series(0, %(days)s - 1) g) d
CROSS JOIN generate_series(1, %(per_day)s) t(n)
CROSS JOIN LATERAL (SELECT (d.day + time '07:30' + t.n * interval '4 min')
                           AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at) i
"""


def fill_synthetic_city(url: str, sites: int = 156, days: int = 250, per_day: int = 100) -> int:
    """Fill the (initialised, empty) centre at `url` as described above; returns tickets."""
    text = default_config_text()
    today = datetime.now(parse_config(text).zone).date()
    names = sample_point_names(sites)
    with connect(url, setting=ADMIN_SETTING) as conn:
        conn.execute("SET statement_timeout = 0")  # millions of rows in one statement
        for i, (name, name_en) in enumerate(names):
            site = f"p{i:03d}"
            config = parse_config(
                text.replace('id = "tranphu"', f'id = "{site}"')
                .replace('name = "Điểm phục vụ hành chính công xã Trần Phú"', f'name = "{name}"')
                .replace(
                    'name_en = "Tran Phu Commune Public Administration Service Point"',
                    f'name_en = "{name_en}"',
                )
            )
            conn.execute(
                "INSERT INTO sites (id, role, metadata, metadata_hash, version) "
                "VALUES (%s, %s, %s, 'x', 1)",
                (site, f"site_{site}", Jsonb(site_metadata(config))),
            )
        conn.execute(
            "INSERT INTO high_water (site, last_event_id, updated_at) "
            "SELECT id, 1000, now() - random() * interval '20 min' FROM sites"
        )
        conn.execute(
            "INSERT INTO projection_marks (site, last_event_id) SELECT id, 1000 FROM sites"
        )
        conn.execute(
            "INSERT INTO central_counters (site, counter, state, since, business_day) "
            "SELECT id, c, CASE WHEN c <= 4 THEN 'open' ELSE 'closed' END, now(), %s "
            "FROM sites CROSS JOIN generate_series(1, 6) c",
            (today,),
        )
        started = time.monotonic()
        conn.execute(_TICKETS, {"per_day": per_day, "today": today, "days": days})
        # Yesterday's last two tickets but one of each site still wait; the first of them was
        # put back in today's queue (a transfer after midnight), the other is a leftover.
        yesterday = days - 1
        conn.execute(
            "UPDATE central_tickets SET state = 'waiting' WHERE business_day = %s::date - 1 "
            "AND ticket_id %% %s > %s",
            (today, per_day, per_day - 3),
        )
        conn.execute("SELECT kiosk_ensure_month(date_trunc('month', %s::date)::date)", (today,))
        conn.execute(
            "INSERT INTO central_events (site, event_id, at, business_day, kind, ticket_id, field, "
            "actor, data) SELECT id, 999, now(), %s, 'transferred', %s, 'hotich', 'counter', "
            "'{}'::jsonb FROM sites",
            (today, yesterday * per_day + per_day - 2),
        )
        conn.execute("VACUUM ANALYZE central_tickets")
        conn.execute("ANALYZE central_counters")
        conn.execute("ANALYZE central_events")
        row = conn.execute("SELECT count(*) FROM central_tickets").fetchone()
        tickets = int(row[0]) if row else 0
        print(f"filled {tickets:,} tickets in {time.monotonic() - started:.0f} s")
    return tickets


def explain(url: str) -> None:
    """The plan of the per-site statement, as /city's refresh runs it."""
    from kiosk.central.city import _PER_SITE, read_city
    from kiosk.core.clock import SystemClock

    with connect(url, setting=ADMIN_SETTING) as conn:
        now = SystemClock().now()
        started = time.perf_counter()
        city = read_city(conn, now)
        took = (time.perf_counter() - started) * 1000
        print(f"read_city: {took:.1f} ms, {len(city.points)} points")
        sites = [p.site for p in city.points]
        days = [p.business_day for p in city.points]
        plan = conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + _PER_SITE,
            {"sites": sites, "days": days, "since": min(days)},
        ).fetchall()
        print("\n".join(r[0] for r in plan))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database to make the centre in")
    parser.add_argument("--sites", type=int, default=156)
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    a = parser.parse_args()
    url = a.url
    if url is None:
        from tests.pg_cluster import PgCluster

        cluster = PgCluster.start_new()
        cluster.execute("CREATE DATABASE city")
        url = cluster.url("city")
    init_centre(url)
    fill_synthetic_city(url, a.sites, a.days, a.per_day)
    explain(url)
    from kiosk.web.city import time_city_page

    config = parse_config(default_config_text())
    for lang in ("vi", "en"):
        t = time_city_page(config, url, requests=a.requests, lang=lang)
        print(
            f"/city?lang={lang}: {t.points} points, {t.requests} requests: p50 {t.p50_ms:.1f} ms, "
            f"p95 {t.p95_ms:.1f} ms, max {t.max_ms:.1f} ms; one refresh (fold + read) "
            f"{t.refresh_ms:.0f} ms; page {t.html_bytes / 1024:.0f} KB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
