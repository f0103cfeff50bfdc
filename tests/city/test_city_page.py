"""`kiosk web --central`: the centre's live `/city` page and `/api/v1/city` (issue #15).

Real points (SQLite files driven by their own QueueService) ship to the real PostgreSQL
centre; the real server folds and reads them. What the centre says of each point must be
what the point's own queue says.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from kiosk.central.centre import add_site, connect
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, parse_config
from kiosk.core.model import CounterState
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.sync.ship import ship
from kiosk.web.city import CityApp, central_app
from kiosk.web.server import serve_in_thread
from tests.city.support import config_text_for, new_site
from tests.core.test_cli import clean_env
from tests.pg_cluster import PgCluster
from tests.support import ALWAYS_OPEN, local, only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")

#: Monday 07/12/2026, 09:30 in Hà Nội: every point below is open by its hours.
MONDAY = local(2026, 12, 7, 9, 30)
PASSWORD = "city-password-for-tests"


class Point:
    """A SQLite point of the centre with its own clock (default hours unless `hours`)."""

    def __init__(
        self, centre: str, tmp_path: Path, at: datetime, *, always_open: bool = False
    ) -> None:
        self.site = new_site()
        self.central = add_site(centre, self.site).central_url
        replace = ALWAYS_OPEN if always_open else {}
        self.config = parse_config(config_text_for(self.site, self.central, **replace))
        self.store = Store.open(f"sqlite:///{tmp_path / f'{self.site}.db'}")
        self.clock = ManualClock(at)
        self.service = QueueService(self.store, self.config, self.clock)

    def ship(self) -> None:
        ship(self.store, self.config, self.central)

    def own_view(self, at: datetime) -> dict[str, Any]:
        """What the point's own queue says at `at`, in the shape of the city's row."""
        snap = QueueService(self.store, self.config, ManualClock(at)).snapshot()
        oldest = [f.oldest_waiting_at for f in snap.fields if f.oldest_waiting_at is not None]
        return {
            "waiting": sum(f.waiting for f in snap.fields),
            "longest_wait_minutes": (
                int((at - min(oldest)).total_seconds() // 60) if oldest else None
            ),
            "counters_open": sum(1 for c in snap.counters if c.state is CounterState.OPEN),
            "counters": len(self.config.counters),
            "issued_today": sum(f.issued_today for f in snap.fields),
            "business_day": snap.business_day.isoformat(),
        }


def city_config(web: str = "") -> Config:
    text = config_text_for("centre", "")
    return parse_config(text[: text.index("\n[web]")] + f"\n[web]\n{web}\n")


@contextmanager
def served(
    centre: str, clock: ManualClock, *, quiet_minutes: float = 15, web: str = ""
) -> Iterator[tuple[CityApp, httpx.Client]]:
    config = city_config(web)
    app = central_app(config, centre, clock=clock, quiet_minutes=quiet_minutes, refresh_seconds=600)
    with serve_in_thread(app.asgi(), config.web) as url, httpx.Client(base_url=url) as http:
        app.hub.refresh_from_thread()
        yield app, http


def by_site(http: httpx.Client) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    body = http.get("/api/v1/city").json()
    return body, {p["site"]: p for p in body["points"]}


def high_water(centre: str, site: str) -> tuple[int, datetime]:
    with connect(centre) as conn:
        row = conn.execute(
            "SELECT last_event_id, updated_at FROM high_water WHERE site = %s", (site,)
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


def test_each_point_at_the_centre_is_what_its_own_queue_says(centre: str, tmp_path: Path) -> None:
    # A point in the middle of its morning: calls, a service, a transfer, a skip, a pause.
    a = Point(centre, tmp_path, local(2026, 12, 7, 8, 0))
    svc = a.service
    for n in (1, 2, 3, 4):
        svc.open_counter(n)
    for field in ("hotich", "hotich", "chungthuc", "datdai", "hotich", "ketqua", "tuphap"):
        svc.issue(field, priority=field == "tuphap")
        a.clock.advance(minutes=4)
    svc.call_next(1)
    svc.start_service(1)
    svc.complete(1)
    svc.call_next(2)
    svc.transfer(2, to_field="datdai")
    svc.call_next(3)
    svc.skip(3)
    svc.pause_counter(4, "họp")
    a.clock.set(MONDAY)

    # A 24-hour point: a ticket held over midnight and transferred after it joins today's
    # queue; the night's other waiting tickets expire at the first write of the day.
    b = Point(centre, tmp_path, local(2026, 12, 6, 23, 40), always_open=True)
    b.service.open_counter(1)
    for _ in range(3):
        b.service.issue("hotich")
    b.service.call_next(1)
    b.clock.set(local(2026, 12, 7, 0, 10))
    b.service.transfer(1, to_field="chungthuc")
    b.clock.set(local(2026, 12, 7, 9, 0))
    b.service.issue("hotich")
    b.service.issue("ketqua")

    # A point whose Friday leftovers still wait: it has not written today, so neither it
    # nor the centre counts them.
    c = Point(centre, tmp_path, local(2026, 12, 4, 16, 50))
    c.service.issue("hotich")
    c.service.issue("datdai")

    for p in (a, b, c):
        p.ship()
    with served(centre, ManualClock(MONDAY)) as (app, http):
        reads = app.hub.reads
        body, points = by_site(http)
        html = http.get("/city").text
        assert http.get("/city").text == html
    assert app.hub.reads == reads  # pages read what the last refresh computed
    for p in (a, b, c):
        row = points[p.site]
        assert {k: row[k] for k in p.own_view(MONDAY)} == p.own_view(MONDAY), p.site
        last_id, received = high_water(centre, p.site)
        assert row["last_event_id"] == last_id
        assert datetime.fromisoformat(row["last_received"]) == received.replace(microsecond=0)
        assert row["status"] == "open"
    assert points[a.site]["waiting"] == 5 and points[a.site]["counters_open"] == 3
    assert points[b.site]["waiting"] == 3  # two of today and the one that joined today
    assert points[b.site]["longest_wait_minutes"] == 9 * 60 + 50  # since 23:40 yesterday
    assert points[c.site]["waiting"] == 0
    assert body["totals"]["waiting"] >= 8
    # The page shows the same numbers; no ticket code or officer anywhere on it.
    row_html = re.search(rf'<tr class="p-open" data-site="{a.site}">(.*?)</tr>', html)
    assert row_html is not None
    assert 'data-label="Đang chờ">5<' in row_html.group(1)
    assert 'data-label="Quầy đang mở">3/6<' in row_html.group(1)
    assert not re.search(r"\b[A-G]0\d\d\b", html)


def test_a_point_silent_in_its_hours_goes_quiet_and_a_closed_one_does_not(
    centre: str, tmp_path: Path
) -> None:
    at = local(2026, 12, 7, 10, 0)
    silent, busy = Point(centre, tmp_path, at), Point(centre, tmp_path, at)
    idle = Point(centre, tmp_path, at)  # its sync runs, but nobody comes
    night = Point(centre, tmp_path, at, always_open=True)
    for p in (silent, busy, idle, night):
        p.service.issue("hotich")
        p.ship()
    clock = ManualClock(at)
    quiet = 1.5 / 60  # a second and a half, as minutes
    with served(centre, clock, quiet_minutes=quiet) as (app, http):
        _, points = by_site(http)
        assert {points[p.site]["status"] for p in (silent, busy, night)} == {"open"}
        time.sleep(quiet * 60 + 0.5)
        busy.service.issue("ketqua")
        busy.ship()
        before = high_water(centre, idle.site)
        idle.ship()  # nothing new: only its heartbeat
        assert high_water(centre, idle.site) == before  # no shipment, the mark stays
        app.hub.refresh_from_thread()
        body, points = by_site(http)
        assert points[idle.site]["status"] == "open"
        assert points[idle.site]["received_seconds_ago"] > quiet * 60
        assert points[idle.site]["seen_seconds_ago"] < quiet * 60
        assert points[silent.site]["status"] == "quiet"
        assert points[night.site]["status"] == "quiet"
        assert points[busy.site]["status"] == "open"
        assert body["totals"]["quiet"] >= 2
        order = [p["site"] for p in body["points"]]
        assert order.index(silent.site) < order.index(busy.site)
        assert order.index(night.site) < order.index(busy.site)
        html = http.get("/city?lang=en").text
        assert f'<tr class="p-quiet" data-site="{silent.site}">' in html
        assert "Gone quiet" in html and "Points gone quiet" in html

        # In the evening the points with office hours are closed, however silent; the
        # 24-hour point is still open, and still quiet.
        clock.set(local(2026, 12, 7, 19, 0))
        app.hub.refresh_from_thread()
        _, points = by_site(http)
        assert points[silent.site]["status"] == "closed"
        assert points[silent.site]["open_now"] is False
        assert points[busy.site]["status"] == "closed"
        assert points[night.site]["status"] == "quiet"
        vi = http.get("/city").text
        assert f'<tr class="p-closed" data-site="{silent.site}">' in vi
        assert "Ngoài giờ" in vi and "Mất tín hiệu" in vi


def test_the_json_shape_and_a_point_that_never_shipped(centre: str, tmp_path: Path) -> None:
    p = Point(centre, tmp_path, MONDAY)
    p.service.open_counter(2)
    p.service.issue("hotich")
    p.ship()
    fresh = new_site()
    add_site(centre, fresh)
    with served(centre, ManualClock(MONDAY)) as (_, http):
        response = http.get("/api/v1/city")
        stream = _first_message(http, "/city/events?lang=en")
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"at", "quiet_minutes", "totals", "points", "available", "age_seconds"}
    assert body["at"] == "2026-12-07T09:30:00+07:00" and body["available"] is True
    assert set(body["totals"]) == {
        "points", "open", "quiet", "never", "closed", "waiting", "longest_wait_minutes",
        "counters_open", "counters", "issued_today",
    }  # fmt: skip
    points = {x["site"]: x for x in body["points"]}
    assert set(points[p.site]) == {
        "site", "name", "name_en", "status", "open_now", "business_day", "waiting",
        "longest_wait_minutes", "wait_target_minutes", "counters_open", "counters",
        "issued_today", "last_received", "received_seconds_ago", "seen_seconds_ago",
        "last_event_id", "problem",
    }  # fmt: skip
    assert points[p.site]["name"] == "Điểm phục vụ hành chính công xã Trần Phú"
    assert points[p.site]["counters_open"] == 1 and points[p.site]["issued_today"] == 1
    never = points[fresh]
    assert never["status"] == "never" and never["last_received"] is None
    assert never["received_seconds_ago"] is None and never["waiting"] == 0
    assert never["seen_seconds_ago"] is None
    assert "All service points of the city" in stream["html"]
    assert f'data-site="{fresh}"' in stream["html"] and "Never shipped" in stream["html"]


def _first_message(http: httpx.Client, path: str) -> dict[str, Any]:
    import json

    with http.stream("GET", path, timeout=10) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data: "):
                message: dict[str, Any] = json.loads(line[6:])
                return message
    raise AssertionError("no message")


def test_with_a_password_every_page_and_the_api_need_the_sign_in(
    centre: str, tmp_path: Path
) -> None:
    web = f'manager_password_hash = "{hash_pin(PASSWORD, iterations=1000)}"'
    with served(centre, ManualClock(MONDAY), web=web) as (_, http):
        page = http.get("/city")
        assert 'action="/city/login?lang=vi"' in page.text and "data-site" not in page.text
        assert http.get("/api/v1/city").status_code == 401
        assert http.get("/city/events").status_code == 401
        wrong = http.post("/city/login", data={"password": "not it"})
        assert wrong.status_code == 401 and "Sai mật khẩu" in wrong.text
        right = http.post("/city/login", data={"password": PASSWORD})
        assert right.status_code == 303
        cookie = right.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert http.get("/api/v1/city").status_code == 200
        assert "Các điểm phục vụ toàn thành phố" in http.get("/city").text
        http.post("/city/logout")
        assert http.get("/api/v1/city").status_code == 401
        # No point database here: the lockout counts in memory, and still locks.
        for tried in range(5):
            wrong = http.post("/city/login", data={"password": "guess"})
            assert wrong.status_code == (401 if tried < 4 else 429)
        locked = http.post("/city/login", data={"password": PASSWORD})
        assert locked.status_code == 429 and "đã khoá" in locked.text


def test_the_page_says_how_old_its_figures_are_while_the_centre_is_away(
    pg_cluster: PgCluster, centre: str, tmp_path: Path
) -> None:
    p = Point(centre, tmp_path, MONDAY)
    p.service.issue("hotich")
    p.ship()
    name = centre.rsplit("/", 1)[1].split("?")[0]
    clock = ManualClock(MONDAY)
    with served(centre, clock) as (app, http):
        pg_cluster.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        try:
            pg_cluster.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            )
            clock.advance(minutes=7)
            assert app.hub.refresh_from_thread().available is False
            body, points = by_site(http)
            page = http.get("/city")
        finally:
            pg_cluster.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        assert body["available"] is False and body["age_seconds"] == 7 * 60
        assert points[p.site]["waiting"] == 1  # the last figures, still shown
        assert page.status_code == 200
        assert "Không kết nối được trung tâm: số liệu lúc 09:30 07/12/2026 (7 phút trước)" in (
            page.text
        )
        assert "Traceback" not in page.text
        assert app.hub.refresh_from_thread().available is True
        body, _ = by_site(http)
        assert body["available"] is True and body["age_seconds"] == 0
        assert "Không kết nối được trung tâm" not in http.get("/city").text


def test_kiosk_web_central_names_what_is_wrong_in_one_line(
    pg_cluster: PgCluster, centre: str, tmp_path: Path
) -> None:
    pg_cluster.execute("CREATE DATABASE plain_db")
    try:
        runs = run_kiosk_all(
            tmp_path,
            clean_env(tmp_path),
            ["web", "--central", f"sqlite:///{tmp_path}/k.db"],
            ["web", "--central", pg_cluster.url("plain_db")],
            ["web", "--central", "postgresql://nobody:x@127.0.0.1:9/city"],
            ["web", "--central", centre, "--bind", "0.0.0.0:8099"],
            ["web", "--quiet-minutes", "5"],
            ["web", "--central", centre, "--quiet-minutes", "0"],
        )
    finally:
        pg_cluster.execute("DROP DATABASE IF EXISTS plain_db WITH (FORCE)")
    expected = [
        "must be a PostgreSQL database",
        "kiosk central init",
        "127.0.0.1",
        "set-web-password",
        "--quiet-minutes goes with --central",
        "--quiet-minutes",
    ]
    for run, words in zip(runs, expected, strict=True):
        lines = run.stderr.strip().splitlines()
        assert run.returncode != 0 and len(lines) == 1, run.stderr
        assert lines[0].startswith("kiosk: ") and words in lines[0], lines[0]


def test_kiosk_web_central_serves_the_city_as_a_real_process(centre: str, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    p = Point(centre, tmp_path, datetime.now().astimezone(), always_open=True)
    p.service.issue("hotich")
    p.ship()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "web", "--central", centre, "--bind",
         f"127.0.0.1:{port}"],
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert "/city" in proc.stdout.readline()
        deadline = time.monotonic() + 20
        body: dict[str, Any] = {}
        while time.monotonic() < deadline:
            r = httpx.get(f"http://127.0.0.1:{port}/api/v1/city")
            if r.status_code == 200:
                body = r.json()
                break
            time.sleep(0.1)
        assert any(x["site"] == p.site and x["issued_today"] == 1 for x in body["points"])
    finally:
        proc.terminate()
        proc.wait(10)
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
