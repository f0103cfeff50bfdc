"""Kiosk screens read well: contrast measured on the painted pixels, buttons that stay put."""

from __future__ import annotations

import re
from collections import Counter as Tally
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.window import KioskWindow
from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.theme import contrast_ratio
from tests.gui.test_kiosk_support import (
    WAIT_MS,
    broken_printer_config,
    kiosk_config,
    open_kiosk,
    tap,
)


@pytest.fixture
def kiosk_service(tmp_path: Path, store: Store, clock: ManualClock) -> QueueService:
    return QueueService(store, kiosk_config(tmp_path), clock)


def painted_contrast(window: KioskWindow, widget: QWidget, inner: float = 1.0) -> float:
    """WCAG contrast between the commonest colour in `widget`'s box and its text colour.

    The text colour is the pixel that stands out most from that background (the full-ink
    core of the glyphs); `inner` keeps only the middle of the box (inside a button's border).
    """
    top_left = widget.mapTo(window, QPoint(0, 0))
    w, h = widget.width(), widget.height()
    box = QRect(
        top_left.x() + round(w * (1 - inner) / 2),
        top_left.y() + round(h * (1 - inner) / 2),
        round(w * inner),
        round(h * inner),
    )
    image = window.grab(box).toImage()
    colours = Tally(
        QColor(image.pixel(x, y)).name()
        for x in range(image.width())
        for y in range(image.height())
    )
    background = colours.most_common(1)[0][0]
    return max(contrast_ratio(colour, background) for colour in colours)


def done_place(window: KioskWindow) -> tuple[QPoint, QSize]:
    """Where "Xong" is once the result screen has laid out its current texts."""
    layout = window.result.layout()
    assert layout is not None
    layout.activate()
    done = window.result.done
    return done.mapTo(window, QPoint(0, 0)), done.size()


def test_done_button_stays_put_while_the_countdown_ticks(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    countdown = window.result.countdown
    assert "10" in countdown.text()
    before = done_place(window)
    # The real one-second timer takes the countdown from 10 to one digit (9, or 8 when a
    # loaded machine delays the tick: the countdown follows the clock, not the tick count).
    qtbot.waitUntil(lambda: re.search(r"\b[1-9]\b", countdown.text()) is not None, timeout=5000)
    assert done_place(window) == before
    # Nor does it move when the citizen switches the language.
    tap(qtbot, window.header.language)
    assert countdown.text().startswith("Returning in")
    assert done_place(window) == before


def test_done_button_and_priority_texts_reach_7_to_1_as_painted(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    priority = window.home.priority
    assert priority.title.text() == "ƯU TIÊN"
    assert painted_contrast(window, priority.title) >= 7.0
    tap(qtbot, priority)  # priority mode: navy text on the priority colour
    assert window.home.priority_mode
    assert painted_contrast(window, priority.title) >= 7.0
    assert painted_contrast(window, window.home.buttons["hotich"].badge) >= 7.0
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    result = window.result
    assert result.priority.isVisible()
    assert painted_contrast(window, result.priority, inner=0.8) >= 7.0
    assert result.done.text() == "Xong"
    assert painted_contrast(window, result.done, inner=0.6) >= 7.0


def test_printer_warning_reaches_7_to_1_as_painted(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    config = broken_printer_config(tmp_path)
    window = open_kiosk(qtbot, QueueService(store, config, clock))
    with qtbot.waitSignal(window.print_finished, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    result = window.result
    assert result.fault_box.isVisible()
    for part in (result.fault, result.fault_other):
        assert part.text()
        assert painted_contrast(window, part) >= 7.0, part.text()
