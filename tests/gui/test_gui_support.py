"""The shared Qt layer: background operations, the feed watcher, theme contrast."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.core.errors import NoOneWaiting
from kiosk.core.queue import QueueService
from kiosk.gui.operations import Operations
from kiosk.gui.theme import COLOURS, contrast_ratio, font_family
from kiosk.gui.watcher import FeedWatcher


def test_operation_runs_off_the_gui_thread_and_reports_back(
    qtbot: QtBot, aloop: object, service: QueueService
) -> None:
    ops = Operations()
    label = QLabel()
    qtbot.addWidget(label)
    gui_thread = threading.get_ident()
    seen: list[int] = []

    def issue() -> str:
        seen.append(threading.get_ident())
        return service.issue("hotich").ticket.code

    with qtbot.waitSignal(ops.succeeded, timeout=5000):
        ops.run("issue", issue, on_done=label.setText)
    assert label.text() == "A001"
    assert seen and seen[0] != gui_thread
    ops.shutdown()


def test_operation_refusal_reaches_the_error_callback(
    qtbot: QtBot, aloop: object, service: QueueService
) -> None:
    ops = Operations()
    errors: list[Exception] = []
    with qtbot.waitSignal(ops.failed, timeout=5000):
        ops.run("call", service.call_next, 1, on_error=errors.append)
    assert isinstance(errors[0], NoOneWaiting)
    ops.shutdown()


def test_unexpected_exception_becomes_a_message_not_a_crash(qtbot: QtBot, aloop: object) -> None:
    ops = Operations()

    def broken() -> None:
        raise ZeroDivisionError("boom")

    with qtbot.waitSignal(ops.failed, timeout=5000) as blocker:
        ops.run("broken", broken)
    assert "boom" in blocker.args[1].message_en
    ops.shutdown()


def test_feed_watcher_delivers_new_events(qtbot: QtBot, service: QueueService) -> None:
    watcher = FeedWatcher(service, heartbeat=0.2)
    got: list[str] = []
    watcher.changed.connect(lambda evs: got.extend(e.kind.value for e in evs))
    watcher.start()
    qtbot.waitUntil(lambda: True, timeout=100)
    service.issue("hotich")
    service.call_next(1)
    qtbot.waitUntil(lambda: "called" in got, timeout=5000)
    assert got.count("issued") == 1
    watcher.stop()


@pytest.mark.parametrize("fg", [COLOURS.text, COLOURS.accent, COLOURS.highlight])
def test_display_text_colours_reach_7_to_1_contrast(fg: str) -> None:
    assert contrast_ratio(fg, COLOURS.background) >= 7.0


def test_vietnamese_font_is_loaded(qapp: object) -> None:
    from PySide6.QtGui import QFontMetrics

    from kiosk.gui.theme import font

    assert font_family() in ("Noto Sans", "DejaVu Sans")
    metrics = QFontMetrics(font(32))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "ệữặĐơưễỹ")


def test_qt_calls_keep_none_and_bool_reference_counts(qapp: object) -> None:
    """PySide6 6.12.0 on Python 3.11 lost a reference per call and aborted the screens."""
    import sys

    from PySide6.QtCore import QTimer

    timer = QTimer()
    before = sys.getrefcount(None), sys.getrefcount(False)
    for _ in range(2000):
        timer.setInterval(5)  # returns None
        timer.isActive()  # returns False
    after = sys.getrefcount(None), sys.getrefcount(False)
    assert after[0] >= before[0] - 50 and after[1] >= before[1] - 50


def test_qimage_save_wants_a_str_format_despite_its_stub(qapp: object, tmp_path) -> None:
    """Why charts.py and display/live.py silence mypy on `QImage.save(path, "PNG")`."""
    from PySide6.QtGui import QImage

    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0)
    assert image.save(str(tmp_path / "str.png"), "PNG")
    assert (tmp_path / "str.png").read_bytes().startswith(b"\x89PNG\r\n")
    with pytest.raises(ValueError):
        image.save(str(tmp_path / "bytes.png"), b"PNG")  # what the stub asks for
    assert not (tmp_path / "bytes.png").exists()
