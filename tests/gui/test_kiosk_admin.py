"""Lockdown and the hidden admin side: close refused, the PIN pad and its lock, admin tasks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import texts
from kiosk.app.window import ADMIN, HOME, PIN, KioskWindow
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.lockout import lock_message
from kiosk.core.model import EventKind
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.manager.window import ManagerWindow
from kiosk.printing.escpos_output import decode_jobs, ticket_dots
from tests.gui.test_kiosk_support import (
    WAIT_MS,
    count,
    kiosk_config,
    open_kiosk,
    printed_jobs,
    tap,
)

PIN_CODE = "246810"


def _with_pin(tmp_path: Path) -> Config:
    # Few PBKDF2 rounds: the same code path, without a slow test.
    return kiosk_config(tmp_path, kiosk={"admin_pin_hash": hash_pin(PIN_CODE, iterations=1000)})


@pytest.fixture
def clock_now() -> list[float]:
    return [1000.0]


@pytest.fixture
def kiosk(
    qtbot: QtBot,
    aloop: object,
    tmp_path: Path,
    store: Store,
    clock: ManualClock,
    clock_now: list[float],
) -> KioskWindow:
    service = QueueService(store, _with_pin(tmp_path), clock)
    return open_kiosk(qtbot, service, monotonic=lambda: clock_now[0])


def _long_press_corner(qtbot: QtBot, window: KioskWindow) -> None:
    corner = window.corner
    assert corner.geometry().topLeft() == QPoint(0, 0)
    assert corner.width() >= window.target_px
    qtbot.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: window.screen_name == PIN, timeout=WAIT_MS)
    qtbot.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))


def _type_pin(qtbot: QtBot, window: KioskWindow, pin: str) -> None:
    for digit in pin:
        tap(qtbot, window.pin_pad.keys[digit])
    tap(qtbot, window.pin_pad.keys[texts.PIN_OK.vi])


# ------------------------------------------------------------------ lockdown


def test_escape_alt_f4_and_close_do_not_quit(qtbot: QtBot, kiosk: KioskWindow) -> None:
    quits: list[bool] = []
    kiosk.quit_requested.connect(lambda: quits.append(True))
    qtbot.keyClick(kiosk, Qt.Key.Key_Escape)
    qtbot.keyClick(kiosk, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(kiosk, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert kiosk.isVisible()
    assert kiosk.close() is False  # the window refuses
    event = QCloseEvent()
    QApplication.sendEvent(kiosk, event)
    assert not event.isAccepted()
    assert kiosk.isVisible()
    assert kiosk.screen_name == HOME
    assert quits == []


def test_a_short_press_in_the_corner_does_nothing(qtbot: QtBot, kiosk: KioskWindow) -> None:
    with qtbot.assertNotEmitted(kiosk.corner.held):
        tap(qtbot, kiosk.corner)
    # The release stopped the hold timer: nothing is left to fire later.
    hold_timers = kiosk.corner.findChildren(QTimer)
    assert hold_timers and not any(t.isActive() for t in hold_timers)
    assert kiosk.screen_name == HOME


# ------------------------------------------------------------------ the PIN pad


def _wrong_pins(qtbot: QtBot, window: KioskWindow, n: int) -> None:
    """Type `n` wrong PINs, each answered before the next (as a person would)."""
    pad = window.pin_pad
    for _ in range(n):
        qtbot.waitUntil(lambda: pad.keys["1"].isEnabled(), timeout=WAIT_MS)
        before = pad.message.text()
        _type_pin(qtbot, window, "111111")
        qtbot.waitUntil(
            lambda b=before: pad.message.text() not in (b, texts.PIN_CHECKING.both()),
            timeout=WAIT_MS,
        )


def test_wrong_pin_is_refused_and_five_lock_the_pad_for_a_minute(
    qtbot: QtBot, kiosk: KioskWindow, clock: ManualClock, clock_now: list[float]
) -> None:
    _long_press_corner(qtbot, kiosk)
    pad = kiosk.pin_pad
    for attempt in range(1, 5):
        _wrong_pins(qtbot, kiosk, 1)
        assert pad.message.text() == texts.PIN_WRONG.both(n=5 - attempt)
    _wrong_pins(qtbot, kiosk, 1)
    assert pad.message.text() == lock_message(60).both()
    assert kiosk.screen_name == PIN and not pad.keys["1"].isEnabled()
    # Locked: even the right PIN is not taken (no check starts, so none can finish later).
    with qtbot.assertNotEmitted(pad.accepted):
        _type_pin(qtbot, kiosk, PIN_CODE)
    assert kiosk.screen_name == PIN
    # Leaving and coming back does not lift the lock.
    tap(qtbot, pad.close_button)
    assert kiosk.screen_name == HOME
    _long_press_corner(qtbot, kiosk)
    assert not pad.keys["1"].isEnabled()
    clock_now[0] += 61  # a minute has passed (the pad's countdown and the database's clock)
    clock.advance(seconds=61)
    qtbot.waitUntil(lambda: pad.keys["1"].isEnabled(), timeout=WAIT_MS)
    _type_pin(qtbot, kiosk, PIN_CODE)
    qtbot.waitUntil(lambda: kiosk.screen_name == ADMIN, timeout=WAIT_MS)


def test_a_restarted_kiosk_is_still_locked_and_the_lock_grows(
    qtbot: QtBot, kiosk: KioskWindow, db_url: str, clock: ManualClock, clock_now: list[float]
) -> None:
    _long_press_corner(qtbot, kiosk)
    _wrong_pins(qtbot, kiosk, 5)
    kiosk.shutdown()
    kiosk.close()
    # A new process: its own connection to the same database file, a fresh window.
    store = Store.open(db_url)
    try:
        again = open_kiosk(
            qtbot, QueueService(store, kiosk.config, clock), monotonic=lambda: clock_now[0]
        )
        _long_press_corner(qtbot, again)
        pad = again.pin_pad
        qtbot.waitUntil(lambda: pad.message.text() == lock_message(60).both(), timeout=WAIT_MS)
        assert not pad.keys["1"].isEnabled()
        clock_now[0] += 60
        clock.advance(seconds=60)
        _wrong_pins(qtbot, again, 1)  # one more wrong PIN after the lock: two minutes now
        assert pad.message.text() == lock_message(120).both()
        assert "thử lại sau 2 phút" in pad.message.text()
        failed = [e for e in again.service.events_after(0) if e.kind is EventKind.PIN_FAILED]
        assert [e.data["failures"] for e in failed] == [1, 2, 3, 4, 5, 6]
        assert all(e.actor == "kiosk" and "111111" not in str(e.data) for e in failed)
        # The manager window asks the same lockout: locked there too.
        manager = ManagerWindow(again.service)
        qtbot.addWidget(manager, before_close_func=lambda w: w.shutdown())
        manager.setFixedSize(1280, 800)  # a fixed size: the offscreen platform warns otherwise
        manager.show()
        page = manager.pin_page
        qtbot.waitUntil(lambda: "đã khoá" in page.message.text(), timeout=WAIT_MS)
        assert not page.ok.isEnabled() and manager.locked
    finally:
        store.close()


def test_without_a_pin_the_pad_says_how_to_set_one_and_stays_closed(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    service = QueueService(store, kiosk_config(tmp_path), clock)
    window = open_kiosk(qtbot, service)
    _long_press_corner(qtbot, window)
    assert "kiosk config set-pin" in window.pin_pad.message.text()
    assert not window.pin_pad.keys[texts.PIN_OK.vi].isEnabled()
    tap(qtbot, window.pin_pad.keys[texts.PIN_OK.vi])
    assert "kiosk config set-pin" in window.pin_pad.message.text()  # no check started
    window.pin_pad.accepted.emit()  # even a forged acceptance opens nothing
    assert window.screen_name == PIN
    tap(qtbot, window.pin_pad.close_button)
    assert window.screen_name == HOME


def test_idle_closes_the_admin_side(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    from dataclasses import replace

    from tests.gui.test_kiosk_support import FAST

    service = QueueService(store, _with_pin(tmp_path), clock)
    window = open_kiosk(qtbot, service, timings=replace(FAST, idle_ms=600))
    _long_press_corner(qtbot, window)
    _type_pin(qtbot, window, PIN_CODE)
    qtbot.waitUntil(lambda: window.screen_name == ADMIN, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)


# ------------------------------------------------------------------ the admin panel


def _open_admin(qtbot: QtBot, window: KioskWindow) -> None:
    _long_press_corner(qtbot, window)
    _type_pin(qtbot, window, PIN_CODE)
    qtbot.waitUntil(lambda: window.screen_name == ADMIN, timeout=WAIT_MS)
    admin = window.admin
    qtbot.waitUntil(lambda: bool(admin.field_buttons), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: admin.printer_state.text() != texts.PRINTER_CHECKING.both(), timeout=WAIT_MS
    )


def test_admin_sees_the_printer_and_prints_a_test_page(qtbot: QtBot, kiosk: KioskWindow) -> None:
    _open_admin(qtbot, kiosk)
    assert kiosk.admin.printer_state.text() == texts.PRINTER_STATES["ok"].both()
    tap(qtbot, kiosk.admin.test_button)
    qtbot.waitUntil(lambda: "Ticket printed" in kiosk.admin.message.text(), timeout=WAIT_MS)
    jobs = printed_jobs(kiosk.config)
    assert len(jobs) == 1 and jobs[0].width == ticket_dots(kiosk.config.printer)


def test_admin_reprints_a_recent_ticket_and_logs_it(qtbot: QtBot, kiosk: KioskWindow) -> None:
    service = kiosk.service
    first = service.issue("hotich", actor="cli")
    service.issue("chungthuc", actor="cli")
    _open_admin(qtbot, kiosk)
    qtbot.waitUntil(lambda: "A001" in kiosk.admin.reprint_buttons, timeout=WAIT_MS)
    assert list(kiosk.admin.reprint_buttons) == ["B001", "A001"]  # newest first
    tap(qtbot, kiosk.admin.reprint_buttons["A001"])
    qtbot.waitUntil(lambda: "A001" in kiosk.admin.message.text(), timeout=WAIT_MS)
    assert kiosk.admin.message.text() == texts.PRINTED.both(code="A001")
    printed = [e for e in service.events_after(0) if e.kind is EventKind.PRINTED]
    assert [e.ticket_id for e in printed] == [first.ticket.id]
    jobs = decode_jobs(Path(kiosk.config.printer.file_path).read_bytes())
    assert len(jobs) == 1


def test_admin_closes_a_field_for_today_and_the_kiosk_follows(
    qtbot: QtBot, kiosk: KioskWindow
) -> None:
    _open_admin(qtbot, kiosk)
    tap(qtbot, kiosk.admin.field_buttons["tuphap"])
    qtbot.waitUntil(
        lambda: kiosk.admin.field_buttons["tuphap"].text() == texts.OPEN_TODAY.both("\n"),
        timeout=WAIT_MS,
    )
    assert count(kiosk.service, EventKind.FIELD_CLOSED) == 1
    tap(qtbot, kiosk.admin.back_button)
    assert kiosk.screen_name == HOME
    justice = kiosk.home.buttons["tuphap"]
    qtbot.waitUntil(lambda: not justice.isEnabled(), timeout=WAIT_MS)
    assert justice.detail.text() == "Tạm ngừng tiếp nhận hôm nay"
    # And open again.
    _open_admin(qtbot, kiosk)
    tap(qtbot, kiosk.admin.field_buttons["tuphap"])
    qtbot.waitUntil(lambda: count(kiosk.service, EventKind.FIELD_OPENED) == 1, timeout=WAIT_MS)
    tap(qtbot, kiosk.admin.back_button)
    qtbot.waitUntil(lambda: justice.isEnabled(), timeout=WAIT_MS)


def test_admin_quit_is_the_way_out(qtbot: QtBot, kiosk: KioskWindow) -> None:
    _open_admin(qtbot, kiosk)
    with qtbot.waitSignal(kiosk.quit_requested, timeout=WAIT_MS):
        tap(qtbot, kiosk.admin.quit_button)
    assert not kiosk.isVisible()
