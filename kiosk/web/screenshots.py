"""PNGs of every web page and ticket state, taken by headless Chromium (`make screenshots`).

A temporary point after a busy morning (Mon 07/12/2026, 09:40) is served by the real app in
a thread; Chromium opens the pages at 360×800 (phones), 1920×1080 (/board on a TV) and
1366×768 (/manage). The centre's /city page shows a city of 156 sample points (no database:
its hub publishes `sample_city`), at 1366×768, 360×800 and 1920×1080.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from kiosk.central.city import (
    QUIET_MINUTES,
    City,
    CityPoint,
    PointStatus,
    city_totals,
    listing_order,
)
from kiosk.core.catalogue import parse_catalogue, sample_text
from kiosk.core.clock import ManualClock
from kiosk.core.config import default_config_text, parse_config
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.web.app import WebApp
from kiosk.web.browser import launch_chromium
from kiosk.web.city import CityApp, CityHub
from kiosk.web.server import serve_in_thread

PHONE = {"width": 360, "height": 800}
PASSWORD = "screenshots-only"


@contextmanager
def busy_point() -> Iterator[tuple[WebApp, QueueService, ManualClock, str]]:
    """A served point after a busy morning; yields the app, a writer service, clock, URL."""
    from kiosk.demo import simulate_morning

    text = default_config_text()
    text = text[: text.index("\n[web]")] + (
        '\n[web]\npublic_url = "http://192.168.1.10:8080"\n'
        f'manager_password_hash = "{hash_pin(PASSWORD, iterations=1000)}"\n'
    )
    config = parse_config(text)
    zone = config.zone
    clock = ManualClock(datetime(2026, 12, 7, 7, 30, tzinfo=zone))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        try:
            service = QueueService(store, config, clock)
            simulate_morning(service, clock, datetime(2026, 12, 7, 9, 40, tzinfo=zone))
            service.pause_counter(5, "họp giao ban")
            clock.advance(minutes=25)
            # The shipped sample catalogue: a ticket taken for a procedure shows its checklist.
            app = WebApp(service, catalogue=parse_catalogue(sample_text(), config))
            with serve_in_thread(app.asgi(), config.web) as url:
                yield app, service, clock, url
        finally:
            store.close()


def _shot(page: Any, url: str, path: Path, *, full_page: bool = False) -> Path:
    page.goto(url)
    page.wait_for_function("() => Number(document.body.dataset.updates || 0) >= 1")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def save_screenshots(out_dir: Path) -> list[Path]:
    """web-ticket-*.png (each state, and one taken for a procedure with its checklist),
    web-board*.png and web-manage*.png in `out_dir`."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with busy_point() as (app, service, clock, url), sync_playwright() as pw:
        browser = launch_chromium(pw)
        phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)

        def ticket(name: str, token: str | None, lang: str = "vi") -> None:
            written.append(_shot(phone, f"{url}/t/{token}?lang={lang}", out_dir / name))

        for _ in range(3):
            service.issue("datdai")
        waiting = service.issue("datdai").ticket
        ticket("web-ticket-waiting.png", waiting.page_token)
        ticket("web-ticket-waiting-en.png", waiting.page_token, "en")
        birth = service.issue("hotich", procedure="Đăng ký khai sinh").ticket
        written.append(
            _shot(
                phone,
                f"{url}/t/{birth.page_token}",
                out_dir / "web-ticket-procedure.png",
                full_page=True,  # the whole checklist, as the citizen scrolls it
            )
        )
        called = service.issue("ketqua").ticket
        while service.call_next(6).id != called.id:
            pass
        phone.goto(f"{url}/t/{called.page_token}")
        phone.click("#sound")
        phone.wait_for_selector(".st-called")
        phone.screenshot(path=str(out_dir / "web-ticket-called.png"))
        written.append(out_dir / "web-ticket-called.png")
        service.start_service(6)
        ticket("web-ticket-serving.png", called.page_token)
        service.complete(6)
        # Completed: the four faces to rate the service (issue #18), then the thanks.
        written.append(
            _shot(
                phone,
                f"{url}/t/{called.page_token}",
                out_dir / "web-ticket-completed.png",
                full_page=True,
            )
        )
        service.rate(called.id, "satisfied", channel="phone")
        ticket("web-ticket-rated.png", called.page_token)
        skipped = service.issue("ketqua").ticket
        service.call_next(6)
        service.skip(6)
        ticket("web-ticket-skipped.png", skipped.page_token)
        friday = QueueService(
            service.store, service.config, ManualClock(clock.now() - timedelta(days=3))
        )
        ticket("web-ticket-expired.png", friday.issue("hotich").ticket.page_token)
        phone.goto(f"{url}/t/AbCdEfGhIjKlMnOpQrStUv")
        phone.screenshot(path=str(out_dir / "web-ticket-unknown.png"))
        written.append(out_dir / "web-ticket-unknown.png")
        state = app.hub.state
        phone.goto(f"{url}/t/{waiting.page_token}")
        app.hub.publish(replace(state, version=state.version + 1, available=False))
        phone.wait_for_selector(".down")
        phone.screenshot(path=str(out_dir / "web-ticket-unavailable.png"))
        written.append(out_dir / "web-ticket-unavailable.png")
        app.hub.request_refresh()

        tv = browser.new_page(viewport={"width": 1920, "height": 1080})
        written.append(_shot(tv, f"{url}/board", out_dir / "web-board.png"))
        written.append(_shot(phone, f"{url}/board", out_dir / "web-board-phone.png"))

        desk = browser.new_page(viewport={"width": 1366, "height": 768})
        desk.goto(f"{url}/manage")
        desk.screenshot(path=str(out_dir / "web-manage-login.png"))
        written.append(out_dir / "web-manage-login.png")
        desk.fill("#pw", PASSWORD)
        desk.click("button[type=submit]")
        desk.wait_for_selector(".dash")
        written.append(_shot(desk, f"{url}/manage", out_dir / "web-manage.png"))
        written += _city_shots(browser, out_dir)
        browser.close()
    return written


#: Sample names of the city's points: two syllables of Vietnamese place names, 160 of them.
_FIRST = ("An", "Bình", "Đông", "Hòa", "Phú", "Tân", "Long", "Vĩnh", "Minh", "Hưng", "Thuận",
          "Phúc", "Quang", "Xuân", "Yên", "Đại")  # fmt: skip
_SECOND = ("Lạc", "Thịnh", "Phong", "Khánh", "Mỹ", "Lộc", "Sơn", "Hà", "Đức", "Thành")


def sample_point_names(n: int) -> list[tuple[str, str]]:
    """`n` (Vietnamese, English) names of sample points: wards and communes."""
    names = []
    for i in range(n):
        place = f"{_FIRST[i % len(_FIRST)]} {_SECOND[(i // len(_FIRST)) % len(_SECOND)]}"
        kind_vi, kind_en = ("phường", "Ward") if i % 3 else ("xã", "Commune")
        names.append(
            (
                f"Điểm phục vụ hành chính công {kind_vi} {place}",
                f"{place} {kind_en} Public Administration Service Point",
            )
        )
    return names


def sample_city(at: datetime, points: int = 156) -> City:
    """A city at `at` as the centre would read it: mostly open points, a few gone quiet,
    some closed (afternoon-only branches), one never shipped, one whose config is unreadable."""
    rng = random.Random(15)
    rows = []
    for i, (name, name_en) in enumerate(sample_point_names(points)):
        status = PointStatus.OPEN
        if i in (17, 88, 131):
            status = PointStatus.QUIET
        elif i == 150:
            status = PointStatus.NEVER
        elif i % 7 == 5:
            status = PointStatus.CLOSED
        counters = rng.choice((4, 6, 6, 6, 8, 12))
        busy = status is PointStatus.OPEN or status is PointStatus.QUIET
        waiting = rng.randint(0, 25) if busy else 0
        ago = {
            PointStatus.QUIET: rng.uniform(1_200, 5_400),
            PointStatus.NEVER: None,
            PointStatus.CLOSED: rng.uniform(40_000, 60_000),
        }.get(status, rng.uniform(2, 400))
        rows.append(
            CityPoint(
                site=f"p{i:03d}",
                name=name,
                name_en=name_en,
                status=status,
                business_day=at.date(),
                open_now=status is not PointStatus.CLOSED,
                waiting=waiting,
                longest_wait_minutes=rng.randint(1, 55) if waiting else None,
                counters_open=rng.randint(1, counters) if busy else 0,
                counters=counters,
                issued_today=0 if status is PointStatus.NEVER else rng.randint(5, 160),
                last_received=None if ago is None else at - timedelta(seconds=ago),
                received_seconds_ago=ago,
                seen_seconds_ago=None if ago is None else min(ago, 30.0) if busy else ago,
                last_event_id=0 if ago is None else rng.randint(10_000, 900_000),
                wait_target_minutes=30,
                problem="unknown key" if i == 60 else "",
            )
        )
    rows.sort(key=listing_order)
    return City(at, QUIET_MINUTES, tuple(rows), city_totals(rows))


def _city_shots(browser: Any, out_dir: Path) -> list[Path]:
    """city.png (a manager's laptop, the whole list), city-phone.png, city-wall.png (a TV)."""
    config = parse_config(default_config_text())
    at = datetime(2026, 12, 7, 9, 40, tzinfo=config.zone)
    city = sample_city(at)
    app = CityApp(config, CityHub(lambda: city, clock=ManualClock(at), refresh_seconds=3600))
    written = []
    with serve_in_thread(app.asgi(), config.web) as url:
        for name, viewport, full in (
            ("city.png", {"width": 1366, "height": 768}, True),
            ("city-phone.png", PHONE, False),
            ("city-wall.png", {"width": 1920, "height": 1080}, False),
        ):
            page = browser.new_page(viewport=viewport)
            written.append(_shot(page, f"{url}/city", out_dir / name, full_page=full))
            page.close()
    # The whole list is tall: 256 colours keep it readable at a third of the bytes.
    with Image.open(out_dir / "city.png") as full_list:
        few = full_list.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    few.save(out_dir / "city.png", optimize=True)
    return written
