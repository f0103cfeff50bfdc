"""kiosk.gui.waiting: a screen whose database server is unreachable waits, retries, hands over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.core.database import HEAD_REVISION
from kiosk.core.errors import (
    UNAVAILABLE_EN,
    UNAVAILABLE_VI,
    DatabaseTooNew,
    DatabaseUnreachable,
    KioskError,
)
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.waiting import open_or_unreachable, start_screen
from tests.pg_cluster import free_port
from tests.support import ALWAYS_OPEN, make_config, stamp_revision


def _wait_for(
    qtbot: QtBot, first: KioskError, open_service: Callable[[], Any]
) -> tuple[list[Any], QWidget]:
    """The waiting screen for `first`, retrying every 0.1 s; the list fills once it built."""
    built: list[Any] = []

    def build(service: Any) -> QWidget:
        window = QLabel("ready")
        qtbot.addWidget(window)
        window.setGeometry(0, 0, 1024, 640)
        window.show()
        built.append(service)
        return window

    def place(w: QWidget) -> None:
        w.setGeometry(0, 0, 1024, 640)
        w.show()

    waiting = start_screen(place, first, open_service, build, title="t", retry_s=0.1)
    qtbot.addWidget(waiting)
    return built, waiting


def test_waits_on_a_database_upgraded_by_a_newer_kiosk_until_it_is_known(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, db_url: str, store: Store
) -> None:
    store.close()
    stamp_revision(db_url, "0099")  # another PC, already updated, upgraded the database
    config = make_config(**ALWAYS_OPEN)

    def open_service() -> QueueService:
        return QueueService(Store.open(db_url), config)

    first = open_or_unreachable(open_service)
    assert isinstance(first, DatabaseTooNew)
    built, waiting = _wait_for(qtbot, first, open_service)
    shown = "\n".join(w.text() for w in waiting.findChildren(QLabel))
    assert UNAVAILABLE_VI in shown and "upgraded by a newer kiosk (revision 0099" in shown
    qtbot.waitUntil(lambda: waiting.attempts >= 3, timeout=15000)
    assert built == []
    stamp_revision(db_url, HEAD_REVISION)  # this PC updated (or the database restored)
    qtbot.waitUntil(lambda: bool(built), timeout=15000)
    assert built[0].issue("hotich").ticket.code == "A001"


def test_waits_on_an_unreachable_server_then_builds_the_screen(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there: connection refused, as with a server down
    url = [f"postgresql+psycopg://kiosk:secret@127.0.0.1:{port}/kiosk"]
    config = make_config(**ALWAYS_OPEN)

    def open_service() -> QueueService:
        return QueueService(Store.open(url[0]), config)

    first = open_or_unreachable(open_service)
    assert isinstance(first, DatabaseUnreachable)
    built, waiting = _wait_for(qtbot, first, open_service)
    qtbot.addWidget(waiting)
    labels = [w.text() for w in waiting.findChildren(QLabel)]
    assert UNAVAILABLE_VI in labels and UNAVAILABLE_EN in labels
    assert any(f"127.0.0.1:{port}" in text and "retrying every" in text for text in labels)
    qtbot.waitUntil(lambda: waiting.attempts >= 3, timeout=15000)
    assert built == [] and waiting.isVisible()

    url[0] = f"sqlite:///{(tmp_path / 'k.db').as_posix()}"  # the database is there now
    qtbot.waitUntil(lambda: bool(built), timeout=15000)
    assert isinstance(built[0], QueueService)
    assert built[0].issue("hotich").ticket.code == "A001"
    qtbot.waitUntil(lambda: not waiting.isVisible(), timeout=5000)


def test_a_reachable_database_builds_at_once_and_other_errors_stay_errors(
    qtbot: QtBot, tmp_path: Path
) -> None:
    config = make_config(**ALWAYS_OPEN)
    service = open_or_unreachable(
        lambda: QueueService(Store.open(f"sqlite:///{(tmp_path / 'k.db').as_posix()}"), config)
    )
    assert isinstance(service, QueueService)
    window = QLabel("ready")
    qtbot.addWidget(window)
    shown = start_screen(lambda w: w.show(), service, lambda: None, lambda s: window, title="t")
    assert shown is window

    not_a_database = tmp_path / "notes.db"
    not_a_database.write_bytes(b"this is not an SQLite file, but a person's notes" * 100)
    with pytest.raises(KioskError) as caught:
        open_or_unreachable(lambda: Store.open(f"sqlite:///{not_a_database.as_posix()}"))
    assert not isinstance(caught.value, DatabaseUnreachable)
