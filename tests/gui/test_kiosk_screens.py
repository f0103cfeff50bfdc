"""Kiosk screens: language switch, idle reset, "temporarily unavailable", layout and sizes."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.controls import BigNumber
from kiosk.app.layout import MIN_TEXT_PX, TOUCH_MIN_PX, touch_target_px
from kiosk.app.window import HOME, RESULT, UNAVAILABLE
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.core.texts import Language
from tests.gui.test_kiosk_support import (
    FAST,
    LANDSCAPE,
    PORTRAIT,
    WAIT_MS,
    broken_printer_config,
    has_words,
    kiosk_config,
    open_kiosk,
    tap,
    visible_texts,
)
from tests.support import config_text


@pytest.fixture
def kiosk_service(tmp_path: Path, store: Store, clock: ManualClock) -> QueueService:
    return QueueService(store, kiosk_config(tmp_path), clock)


def test_the_language_switch_changes_every_visible_text(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    kiosk_service.issue("hotich")
    window = open_kiosk(qtbot, kiosk_service)
    before = visible_texts(window)
    assert window.header.language.text() == "English"
    tap(qtbot, window.header.language)
    assert window.language is Language.EN
    after = visible_texts(window)
    assert before.keys() == after.keys()
    worded = [key for key, text in before.items() if has_words(text)]
    assert len(worded) >= 25  # header, title, priority, 7 fields x 3 texts, footer
    unchanged = {before[key] for key in worded if before[key] == after[key]}
    assert not unchanged, f"not translated: {unchanged}"
    assert window.home.buttons["hotich"].name.text() == "Civil status"
    assert window.home.buttons["hotich"].subtitle.text() == "Hộ tịch"
    assert (
        window.home.buttons["hotich"]
        .detail.text()
        .replace("\u00a0", " ")
        .startswith("Waiting: 1  ·  no counter open yet")
    )
    assert window.footer.hotline.text().startswith("Help line: 024.1022")
    tap(qtbot, window.header.language)
    assert visible_texts(window) == before


def test_the_result_screen_speaks_the_chosen_language(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    tap(qtbot, window.header.language)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    assert window.result.title.text() == "Please take your ticket"
    assert window.result.ahead.text() == "People ahead of you: 0"
    before = visible_texts(window.result)
    tap(qtbot, window.header.language)
    assert window.result.title.text() == "Mời ông/bà nhận phiếu"
    assert window.result.ahead.text() == "Số người đang chờ trước ông/bà: 0"
    after = visible_texts(window.result)
    assert all(before[k] != after[k] for k in before if has_words(before[k]))


def test_idle_returns_home_in_vietnamese_without_priority(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service, timings=replace(FAST, idle_ms=300))
    tap(qtbot, window.header.language)
    tap(qtbot, window.home.priority)
    assert window.language is Language.EN and window.home.priority_mode
    qtbot.waitUntil(lambda: window.language is Language.VI, timeout=WAIT_MS)
    assert window.screen_name == HOME
    assert not window.home.priority_mode
    assert window.header.language.text() == "English"
    assert window.home.title.text() == "Mời ông/bà chọn lĩnh vực để lấy số thứ tự"


def test_idle_leaves_the_result_screen_too(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service, timings=replace(FAST, idle_ms=500))
    tap(qtbot, window.header.language)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    assert window.screen_name == RESULT
    qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
    assert window.language is Language.VI


def test_timings_come_from_the_config(tmp_path: Path) -> None:
    from kiosk.app.window import Timings

    config = kiosk_config(
        tmp_path, kiosk={"result_seconds": 7, "idle_seconds": 30, "tap_guard_ms": 900}
    )
    timings = Timings.from_config(config.kiosk)
    assert (timings.result_ms, timings.idle_ms, timings.tap_guard_ms) == (7000, 30000, 900)


# ------------------------------------------------------------------ database down


def test_unavailable_screen_while_the_database_is_gone_then_home_by_itself(
    qtbot: QtBot, aloop: object, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "db"
    store = Store.open(f"sqlite:///{(folder / 'kiosk.db').as_posix()}")
    service = QueueService(store, kiosk_config(tmp_path), clock)
    now = [100.0]
    try:
        window = open_kiosk(qtbot, service, monotonic=lambda: now[0])
        tap(qtbot, window.header.language)
        # The database disappears (disk unmounted, file moved): new connections fail.
        store.engine.dispose()
        folder.rename(tmp_path / "db-away")
        tap(qtbot, window.home.buttons["hotich"])  # before the feed noticed
        qtbot.waitUntil(lambda: window.screen_name == UNAVAILABLE, timeout=WAIT_MS)
        screen = window.unavailable_screen
        assert screen.message_vi.text() == (
            "Hệ thống tạm thời gián đoạn, vui lòng chờ trong giây lát"
        )
        assert screen.message_en.text() == "Temporarily unavailable, please wait a moment"
        tap(qtbot, screen)  # nothing to tap while it waits
        assert window.screen_name == UNAVAILABLE
        retries: list[str] = []
        window.ops.failed.connect(lambda name, _err: retries.append(name))
        qtbot.waitUntil(lambda: retries.count("snapshot") >= 2, timeout=WAIT_MS)
        assert window.screen_name == UNAVAILABLE  # retries keep failing; still waiting

        (tmp_path / "db-away").rename(folder)
        qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
        assert window.language is Language.VI
        assert service.tickets() == []  # the failed tap was never retried
        now[0] += 5  # the next citizen
        with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
            tap(qtbot, window.home.buttons["hotich"])
        assert [t.code for t in service.tickets()] == ["A001"]
    finally:
        window.shutdown()
        store.close()


def test_the_feed_reports_the_outage_and_the_recovery(
    qtbot: QtBot, aloop: object, tmp_path: Path, clock: ManualClock
) -> None:
    folder = tmp_path / "db"
    store = Store.open(f"sqlite:///{(folder / 'kiosk.db').as_posix()}")
    service = QueueService(store, kiosk_config(tmp_path), clock)
    try:
        window = open_kiosk(qtbot, service, timings=replace(FAST, db_retry_ms=60_000))
        with qtbot.waitSignal(window.watcher.unavailable, timeout=WAIT_MS):
            store.engine.dispose()
            folder.rename(tmp_path / "db-away")
        qtbot.waitUntil(lambda: window.screen_name == UNAVAILABLE, timeout=WAIT_MS)
        with qtbot.waitSignal(window.watcher.available, timeout=WAIT_MS):
            (tmp_path / "db-away").rename(folder)
        qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
    finally:
        window.shutdown()
        store.close()


# ------------------------------------------------------------------ layout and sizes


def _many_fields(count: int) -> Config:
    names = [
        ("Hộ tịch", "Civil status"),
        ("Chứng thực", "Certification"),
        ("Lao động – Người có công – Xã hội", "Labour, merited people and social protection"),
        ("Kinh tế – Hộ kinh doanh", "Economy and household business"),
        ("Bảo hiểm y tế – xã hội", "Health and social insurance"),
        ("Đất đai", "Land"),
        ("Xây dựng", "Construction"),
        ("Nhận kết quả", "Collect results"),
    ]
    tables = []
    for i in range(count):
        vi, en = names[i % len(names)]
        prefix = chr(ord("A") + i) if i < 26 else f"A{chr(ord('A') + i - 26)}"
        tables.append(
            f'[[fields]]\ncode = "f{i}"\nname = "{vi}"\nname_en = "{en}"\n'
            f'prefix = "{prefix}"\ncounters = [{i % 6 + 1}]\n'
        )
    base = config_text()
    head = base[: base.index("[[fields]]")]
    tail = base[base.index("[printer]") :]
    return parse_config(head + "\n".join(tables) + "\n" + tail)


def _citizen_widgets(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and isinstance(w, QLabel | QPushButton)
    ]


def _lay_out(window: QWidget) -> None:
    """Deliver the layout requests Qt has posted (new texts, a new screen) until nothing moves.

    What the event loop does next, done now: no waiting for a time that may be too short.
    """
    for _ in range(20):
        before = [w.geometry() for w in window.findChildren(QWidget)]
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        after = [w.geometry() for w in window.findChildren(QWidget)]
        if after == before:
            return
    raise AssertionError("the layout kept moving")


def _check_screen(window: QWidget, target: int) -> None:
    """Touch targets of at least `target` px, citizen text of at least 32 px, nothing cut."""
    for widget in _citizen_widgets(window):
        if isinstance(widget, QPushButton):
            size = widget.size()
            assert size.width() >= target and size.height() >= target, widget.objectName()
        text = widget.text()
        if isinstance(widget, QLabel) and text.strip() and not isinstance(widget, BigNumber):
            px = widget.font().pixelSize()
            assert px >= MIN_TEXT_PX, (text, px)
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                assert needed <= widget.height() + 2, (text, needed, widget.height())
            else:
                needed_w = widget.fontMetrics().horizontalAdvance(text.split("\n")[0])
                assert needed_w <= widget.width() + 2, (text, needed_w, widget.width())


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
@pytest.mark.parametrize("fields", [6, 12, 20])
def test_home_fits_6_to_20_fields_in_both_orientations(
    qtbot: QtBot,
    aloop: object,
    tmp_path: Path,
    store: Store,
    clock: ManualClock,
    size: tuple[int, int],
    fields: int,
) -> None:
    config = _many_fields(fields)
    config = config.model_copy(
        update={
            "printer": config.printer.model_copy(
                update={"file_path": (tmp_path / "t.escpos").as_posix()}
            )
        }
    )
    service = QueueService(store, config, clock)
    service.issue("f0")
    window = open_kiosk(qtbot, service, size=size)
    qtbot.waitUntil(lambda: window.home.grid.plan is not None, timeout=WAIT_MS)
    plan = window.home.grid.plan
    assert plan is not None and plan.fits
    landscape = size[0] > size[1]
    if fields <= 12:
        assert (plan.columns >= 2) if landscape else (plan.columns <= 2)
    _check_screen(window, window.target_px)
    tap(qtbot, window.header.language)
    _lay_out(window)  # the new texts
    _check_screen(window, window.target_px)


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_result_screen_fits_with_the_printer_warning(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock, size
) -> None:
    config = broken_printer_config(tmp_path)
    service = QueueService(store, config, clock)
    window = open_kiosk(qtbot, service, size=size)
    tap(qtbot, window.home.priority)
    with qtbot.waitSignal(window.print_finished, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["xahoi"])
    _lay_out(window)  # the printer warning
    _check_screen(window, window.target_px)
    assert window.result.number.pixel_size() >= 180


def test_touch_targets_follow_the_screen_dpi() -> None:
    assert touch_target_px(96) == TOUCH_MIN_PX  # 15 mm is 57 px at 96 dpi: the floor wins
    assert touch_target_px(160) == 95  # 15 mm at 160 dpi
    assert touch_target_px(254) == 150


@pytest.mark.skipif(os.environ.get("QT_QPA_PLATFORM") != "offscreen", reason="offscreen only")
def test_the_kiosk_window_is_frameless_and_on_top(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    from PySide6.QtCore import Qt

    window = open_kiosk(qtbot, kiosk_service)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
