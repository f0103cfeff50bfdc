"""Helpers of the kiosk GUI tests: a real kiosk window on a real SQLite file and printer file.

(The module name makes pytest import it like the tests; it holds no tests itself.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.app.window import KioskWindow, Timings
from kiosk.core.catalogue import Catalogue
from kiosk.core.config import Config
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from kiosk.printing.escpos_output import decode_jobs
from tests.support import make_config

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
#: Fast timings for tests; the tap guard stays at its real default.
FAST = Timings(
    result_ms=10_000, idle_ms=60_000, admin_hold_ms=150, db_retry_ms=200, feed_heartbeat_s=0.2
)
WAIT_MS = 10_000
_alive: list[KioskWindow] = []


def kiosk_config(
    tmp_path: Path,
    *,
    printer: dict[str, Any] | None = None,
    kiosk: dict[str, Any] | None = None,
    caps: dict[str, int] | None = None,
) -> Config:
    """The shipped config, tickets printed to a file under `tmp_path`, with changes."""
    base = make_config()
    settings = {"target": "file", "file_path": (tmp_path / "tickets.escpos").as_posix()}
    fields = [
        f.model_copy(update={"daily_cap": caps[f.code]}) if caps and f.code in caps else f
        for f in base.fields
    ]
    return base.model_copy(
        update={
            "printer": base.printer.model_copy(update=settings | (printer or {})),
            "kiosk": base.kiosk.model_copy(update=kiosk or {}),
            "fields": fields,
        }
    )


def broken_printer_config(tmp_path: Path) -> Config:
    """The kiosk config with a file where the printer's folder should be: printing fails."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the printer's folder should be")
    return kiosk_config(tmp_path, printer={"file_path": (blocker / "t.escpos").as_posix()})


def printer_file(config: Config) -> Path:
    return Path(config.printer.file_path)


def printed_jobs(config: Config) -> list:
    """Every ticket the file printer received, decoded back into images."""
    path = printer_file(config)
    return decode_jobs(path.read_bytes()) if path.exists() else []


def open_kiosk(
    qtbot: QtBot,
    service: QueueService,
    config: Config | None = None,
    *,
    size: tuple[int, int] = LANDSCAPE,
    timings: Timings = FAST,
    lockdown: bool = True,
    monotonic: Callable[[], float] | None = None,
    catalogue: Catalogue | None = None,
) -> KioskWindow:
    """A started kiosk window of `size`, its field buttons filled from the database."""
    # pytest-qt keeps only a weak reference: without this one a window dropped by its test
    # would be deleted before teardown, its shutdown (feed thread, workers) never called.
    _alive[:] = [w for w in _alive if not w.stopped]
    kwargs = {"monotonic": monotonic} if monotonic is not None else {}
    window = KioskWindow(
        service,
        config or service.config,
        timings=timings,
        lockdown=lockdown,
        catalogue=catalogue,
        **kwargs,
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    _alive.append(window)
    window.setFixedSize(*size)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: all(b.status for b in window.home.grid.buttons), timeout=WAIT_MS)
    return window


def tap(qtbot: QtBot, widget: QWidget) -> None:
    """A finger tap in the middle of a widget (press and release, as a touchscreen sends)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def hold(qtbot: QtBot, widget: QWidget, pos: QPoint | None = None) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=pos or widget.rect().center())


def kinds(service: QueueService) -> list[str]:
    return [e.kind.value for e in service.events_after(0)]


def count(service: QueueService, kind: EventKind) -> int:
    return sum(1 for e in service.events_after(0) if e.kind is kind)


def visible_texts(root: QWidget) -> dict[str, str]:
    """Every visible label and button text, keyed by a stable path of widget names/positions."""
    out: dict[str, str] = {}
    for i, widget in enumerate(root.findChildren(QWidget)):
        if not widget.isVisibleTo(root) or not isinstance(widget, QLabel | QPushButton):
            continue
        text = widget.text()
        if text.strip():
            out[f"{i}:{type(widget).__name__}:{widget.objectName()}"] = text
    return out


def has_words(text: str) -> bool:
    """Text with a word in it (two letters in a row), not just a number, code or time."""
    return re.search(r"[^\W\d_]{2,}", text) is not None
