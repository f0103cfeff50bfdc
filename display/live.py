"""The running display: the change feed drives snapshots, the window and the announcer.

Every wake-up of the feed (new events, a heartbeat, a reconnection) re-reads the snapshot
off the GUI thread and renders it; calls among the new events are announced. Nothing else
feeds the screen, so after a restart or an outage it shows exactly what the log says.
With `snapshot_path` the rendered state is written as JSON after each render (tests,
benchmarks, remote checks); with `screenshot_path` a PNG follows, at most once a second.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from display.announcer import Announcer
from display.board import build_board
from display.window import DisplayWindow
from kiosk.core.errors import KioskError
from kiosk.core.files import OutputError, write_atomic_with
from kiosk.core.model import Event, Snapshot
from kiosk.core.reader import QueueReader
from kiosk.gui.operations import Operations
from kiosk.gui.options import write_snapshot
from kiosk.gui.watcher import FeedWatcher

log = logging.getLogger(__name__)

SCREENSHOT_EVERY_S = 1.0


class LiveDisplay(QObject):
    """Connects a QueueReader, a FeedWatcher, the DisplayWindow and an Announcer."""

    rendered = Signal(object)  # the Board just shown

    def __init__(
        self,
        service: QueueReader,
        window: DisplayWindow,
        announcer: Announcer | None,
        ops: Operations,
        *,
        watcher: FeedWatcher | None = None,
        snapshot_path: Path | None = None,
        screenshot_path: Path | None = None,
    ) -> None:
        super().__init__(window)
        self.service = service
        self.window = window
        self.announcer = announcer
        self.ops = ops
        self.watcher = watcher or FeedWatcher(service, parent=self)
        self.snapshot_path = snapshot_path
        self.screenshot_path = screenshot_path
        self.renders = 0
        self._reading = False
        self._again = False
        self._last_shot = 0.0
        self._shot_timer = QTimer(self)
        self._shot_timer.setSingleShot(True)
        self._shot_timer.timeout.connect(self._screenshot)
        self._shot_tasks: set[asyncio.Future[Any]] = set()
        self.watcher.changed.connect(self._on_changed)
        self.watcher.unavailable.connect(self._on_unavailable)
        self.watcher.available.connect(self._on_available)

    def start(self) -> None:
        """Show the current state, then follow the feed."""
        self.refresh()
        self.watcher.start()

    def stop(self) -> None:
        self.watcher.stop()
        self.window.stop()
        if self.announcer is not None:
            self.announcer.close()

    # ------------------------------------------------------------------ feed

    def _on_changed(self, events: list[Event]) -> None:
        if events and self.announcer is not None:
            self.announcer.on_events(events, now=self.service.clock.now())
        self.refresh()

    def _on_unavailable(self, err: KioskError) -> None:
        log.warning("display: database unavailable: %s", err.message_en)
        self.window.set_online(False)
        self._write_state()

    def _on_available(self) -> None:
        self.window.set_online(True)
        self.refresh()

    # ------------------------------------------------------------------ render

    def refresh(self) -> None:
        """Re-read the snapshot (coalesced: one read in flight, one more queued at most)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        recent = self.window.config.display.recent_calls * 2 + 2
        self.ops.run(
            "snapshot",
            self.service.snapshot,
            recent,
            on_done=self._render,
            on_error=self._read_failed,
        )

    def _render(self, snap: Snapshot) -> None:
        self._reading = False
        cfg = self.window.config
        self.window.set_online(True)
        self.window.show_board(build_board(snap, cfg, cfg.display.recent_calls))
        self.renders += 1
        self._write_state()
        self.rendered.emit(self.window.board)
        if self.screenshot_path is not None and not self._shot_timer.isActive():
            wait = max(0.0, SCREENSHOT_EVERY_S - (time.monotonic() - self._last_shot))
            self._shot_timer.start(round(wait * 1000))
        if self._again:
            self._again = False
            self.refresh()

    def _read_failed(self, err: KioskError) -> None:
        self._reading = False
        log.warning("display: cannot read the queue: %s", err.message_en)
        self.window.set_online(False)
        self._write_state()
        if self._again:
            self._again = False
            self.refresh()

    def _write_state(self) -> None:
        if self.snapshot_path is None:
            return
        state = self.window.visible_state()
        state["renders"] = self.renders
        state["pid"] = os.getpid()
        write_snapshot(self.snapshot_path, state)

    def _screenshot(self) -> None:
        path = self.screenshot_path
        if path is None:
            return
        self._last_shot = time.monotonic()
        image = self.window.grab().toImage()

        def png(tmp: Path) -> None:
            # PySide6's stub types `format` as bytes, but the real call refuses bytes and wants str
            # (tests/gui/test_gui_support.py::test_qimage_save_wants_a_str_format_despite_its_stub).
            if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]
                raise OSError("cannot encode the screenshot as PNG")

        def save() -> None:
            try:
                write_atomic_with(path, png, folders=True)
            except OutputError as exc:
                log.warning("%s", exc.message_en)

        loop = asyncio.get_event_loop()
        task = loop.run_in_executor(None, save)
        self._shot_tasks.add(task)
        task.add_done_callback(self._shot_tasks.discard)
