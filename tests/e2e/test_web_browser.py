"""A real `kiosk web` process and Debian's Chromium: from the printed QR to "Mời số … đến quầy".

A ticket is issued through the kiosk's own steps with the file printer; the QR is decoded
from the printed ESC/POS bytes by zbarimg; Chromium opens that address at 360×800; another
process calls the ticket, and the page shows the counter within a second. Also: a wrong
address, an expired ticket, a server restart, the login lockout, the rate limit and (on
PostgreSQL) a database outage, each seen in the browser.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from kiosk.app.jobs import issue_ticket, print_and_log, render_issued
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, parse_config
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.demo import demo_config_text
from kiosk.printing.escpos_output import decode_jobs
from kiosk.web.browser import chromium_path, launch_chromium
from tests.pg_cluster import PgCluster
from tests.support import only_backend

PASSWORD = "mật-khẩu-quản-lý"
PHONE = {"width": 360, "height": 800}

MISSING = [
    n
    for n, found in (("chromium", chromium_path()), ("zbarimg", shutil.which("zbarimg")))
    if found is None
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebPoint:
    """A point in a folder: config with [web], a database, and its `kiosk web` process."""

    def __init__(self, folder: Path, db_url: str, web: str = "") -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        text = demo_config_text(folder)
        text = text[: text.index("\n[web]")] + (
            f'\n[web]\nbind = "127.0.0.1:{self.port}"\npublic_url = "{self.base}"\n{web}\n'
        )
        self.config_path = folder / "kiosk.toml"
        self.config_path.write_text(text, encoding="utf-8")
        self.config: Config = parse_config(text)
        self.db_url = db_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env.update(PYTHONUTF8="1")
        self.proc: subprocess.Popen[bytes] | None = None
        self.store = Store.open(db_url)
        self.service = QueueService(self.store, self.config)

    def cli(self, *args: str) -> dict[str, Any]:
        argv = [sys.executable, "-m", "kiosk.cli", "--config", str(self.config_path)]
        done = subprocess.run(
            [*argv, "--db", self.db_url, "--json", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    def start(self) -> None:
        argv = [sys.executable, "-m", "kiosk.cli", "--config", str(self.config_path)]
        log = (self.folder / "web.log").open("ab")
        self.proc = subprocess.Popen(
            [*argv, "--db", self.db_url, "web"], env=self.env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 20
        while True:
            assert self.proc.poll() is None, (self.folder / "web.log").read_text()
            try:
                if httpx.get(f"{self.base}/api/v1/status", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "kiosk web did not answer"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def print_ticket(self, field: str = "hotich") -> tuple[str, str]:
        """Issue through the kiosk's steps, print to the file target; the QR read back."""
        issued = issue_ticket(self.service, field, priority=False)
        outcome = print_and_log(
            self.service, self.config, issued.ticket.id, render_issued(self.config, issued)
        )
        assert outcome.ok, outcome.message_en
        printed = decode_jobs(Path(self.config.printer.file_path).read_bytes())[-1]
        png = self.folder / f"{issued.ticket.code}.png"
        printed.convert("L").save(png)
        qr = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=30
        )
        assert qr.returncode == 0, qr.stderr
        return qr.stdout.strip(), issued.ticket.code


@pytest.fixture
def point(tmp_path: Path, db_url: str) -> Iterator[Any]:
    made: list[WebPoint] = []

    def make(web: str = "") -> WebPoint:
        folder = tmp_path / f"p{len(made)}"
        folder.mkdir()
        p = WebPoint(folder, db_url, web)
        made.append(p)
        p.start()
        return p

    yield make
    for p in made:
        p.stop()
        p.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if MISSING:  # a failure, not a skip: scripts/install-system-deps.sh installs them
        pytest.fail(f"missing {', '.join(MISSING)}: run scripts/install-system-deps.sh")

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def phone(browser: Any) -> Any:
    """A phone-sized page that records what it asked to vibrate."""
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.add_init_script(
        "window.__vibrations = []; navigator.vibrate = (p) => (window.__vibrations.push(p), true);"
    )
    return page


def live_phone(browser: Any, url: str) -> Any:
    """A phone showing `url` once its live stream delivered the first update."""
    page = phone(browser)
    page.goto(url)
    page.wait_for_function("() => Number(document.body.dataset.updates || 0) >= 1", timeout=5000)
    return page


def test_from_the_printed_qr_to_the_call_on_the_phone(
    point: Any, browser: Any, tmp_path: Path
) -> None:
    p = point()
    p.print_ticket()  # someone ahead
    url, code = p.print_ticket()
    token = url.rsplit("/", 1)[1]
    assert url == f"{p.base}/t/{token}" and code not in url
    page = phone(browser)
    page.goto(url)
    assert page.locator(".code").inner_text() == code
    assert "Số người đang chờ trước ông/bà" in page.inner_text("main")
    assert page.locator(".ahead").inner_text() == "1"
    page.click("#sound")
    assert page.locator("#sound").inner_text() == "Đã bật âm báo"
    page.screenshot(path=tmp_path / "waiting.png")

    p.cli("call", "1")  # the one ahead goes to counter 1
    page.wait_for_function(
        "() => document.querySelector('.ahead').textContent === '0'", timeout=3000
    )
    p.cli("call", "2")
    called_at = time.monotonic()
    page.wait_for_selector(".st-called", timeout=3000)
    took = time.monotonic() - called_at
    assert took < 1.0, f"the page showed the call after {took:.2f} s"
    assert page.locator(".call").inner_text().replace("\n", " ") == f"Mời số {code} đến quầy 2"
    assert page.get_attribute("body", "data-announced") == "1"
    assert page.evaluate("window.__vibrations.length") == 1
    page.screenshot(path=tmp_path / "called.png")

    p.cli("recall", "2")
    page.wait_for_function("() => document.body.dataset.announced === '2'", timeout=3000)
    assert "Gọi lại lần 1" in page.inner_text("main")
    p.cli("start", "2")
    page.wait_for_selector("text=Đang phục vụ tại quầy số 2", timeout=3000)
    p.cli("complete", "2")
    page.wait_for_selector("text=Đã hoàn thành", timeout=3000)
    assert page.get_attribute("body", "data-announced") == "2"  # no chime for these
    page.close()


def test_the_citizen_rates_the_service_on_the_phone(
    point: Any, browser: Any, tmp_path: Path
) -> None:
    """Issue #18's phone channel: the live page offers the faces when the counter completes the
    ticket; a tap records the rating through the real server and shows the thanks."""
    p = point()
    url, code = p.print_ticket()
    page = live_phone(browser, url)
    assert page.locator(".faces").count() == 0  # not before the service
    p.cli("call", "1")
    p.cli("complete", "1")
    page.wait_for_selector(".faces", timeout=3000)
    assert "Mời ông/bà đánh giá mức độ hài lòng" in page.inner_text("main")
    box = page.locator(".face.f0").bounding_box()
    assert box is not None and box["height"] >= 95  # 25 mm at a phone's 96 CSS px an inch
    page.screenshot(path=tmp_path / "faces.png")
    page.tap(".face.f1")
    page.wait_for_selector("text=Cảm ơn ông/bà đã đánh giá!", timeout=3000)
    ratings = [e for e in p.service.events_after(0) if e.kind.value == "rated"]
    assert [(e.data["level"], e.data["channel"], e.data["code"]) for e in ratings] == [
        ("satisfied", "phone", code)
    ]
    page.close()


@only_backend("sqlite")
def test_wrong_address_and_expired_ticket_say_what_to_do(point: Any, browser: Any) -> None:
    p = point()
    page = phone(browser)
    wrong = page.goto(f"{p.base}/t/AbCdEfGhIjKlMnOpQrStUv")
    assert wrong is not None and wrong.status == 404
    assert "Không tìm thấy số thứ tự" in page.inner_text("main")
    yesterday = ManualClock(p.service.clock.now() - timedelta(days=1))
    old = QueueService(p.store, p.config, yesterday).issue("hotich").ticket
    expired = page.goto(f"{p.base}/t/{old.page_token}")
    assert expired is not None and expired.status == 404
    text = page.inner_text("main")
    assert "Số thứ tự này đã hết hạn" in text and "lấy số mới" in text
    assert page.locator("#sound").count() == 0
    page.close()


@only_backend("sqlite")
def test_the_page_reconnects_by_itself_after_a_server_restart(point: Any, browser: Any) -> None:
    p = point()
    url, code = p.print_ticket()
    page = live_phone(browser, url)
    p.stop()
    page.wait_for_selector("#conn:not([hidden])", timeout=5000)
    assert page.inner_text("#conn") == "Đang kết nối lại…"
    p.start()
    p.cli("call", "1")
    page.wait_for_selector(".st-called", timeout=8000)
    assert page.locator("#conn").is_hidden()
    assert code in page.inner_text(".call")
    page.close()


@only_backend("sqlite")
def test_login_lockout_and_dashboard_in_the_browser(point: Any, browser: Any) -> None:
    p = point(f'manager_password_hash = "{hash_pin(PASSWORD, iterations=20000)}"')
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{p.base}/manage")
    for n in range(5):
        page.fill("#pw", f"sai-{n}")
        page.click("button[type=submit]")
    assert "đã khoá, thử lại sau 1 phút" in page.inner_text(".error")
    page.fill("#pw", PASSWORD)
    page.click("button[type=submit]")
    assert "đã khoá" in page.inner_text(".error")  # locked even with the right password
    cookies = page.context.cookies()
    assert not any(c["name"] == "kiosk_manage" for c in cookies)
    page.close()

    p.stop()  # a fresh server: the lockout is in the database, so it is still locked
    p.start()
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{p.base}/manage?lang=en")
    page.fill("#pw", PASSWORD)
    page.click("button[type=submit]")
    assert "Too many wrong tries: locked, try again in" in page.inner_text(".error")
    with p.store.engine.begin() as conn:  # the minute passes (the server runs on real time)
        conn.execute(sa.text("UPDATE pin_lockouts SET locked_until = NULL"))
    page.fill("#pw", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".dash")
    session = next(c for c in page.context.cookies() if c["name"] == "kiosk_manage")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    p.print_ticket()
    page.wait_for_function(
        "() => document.querySelector('.dash tbody td:nth-child(2)').textContent === '1'",
        timeout=3000,
    )
    page.click("text=Sign out")
    page.wait_for_selector("#pw")
    page.close()


@only_backend("sqlite")
def test_a_flood_from_one_address_gets_the_too_many_page(point: Any, browser: Any) -> None:
    p = point("requests_per_minute = 12")
    url, _ = p.print_ticket()
    page = phone(browser)
    statuses = []
    for _ in range(12):  # each view: the page, its stream (and once its stylesheet, script)
        response = page.goto(url)
        assert response is not None
        statuses.append(response.status)
        if response.status == 429:
            break
    assert statuses[0] == 200 and statuses[-1] == 429 and len(statuses) <= 7
    assert "Quá nhiều yêu cầu" in page.inner_text("main")
    page.close()


@only_backend("postgresql")
def test_a_database_outage_shows_the_notice_and_heals_by_itself(
    point: Any, browser: Any, pg_cluster: PgCluster
) -> None:
    p = point()
    url, code = p.print_ticket()
    page = live_phone(browser, url)
    pg_cluster.stop()
    try:
        page.wait_for_selector(".down", timeout=10000)
        assert "Hệ thống tạm thời gián đoạn" in page.inner_text(".down")
        assert page.locator(".code").inner_text() == code  # the last known state stays
    finally:
        pg_cluster.start()
    p.service.call_next(1)
    page.wait_for_selector(".st-called", timeout=15000)
    assert page.locator(".down").count() == 0
    page.close()
