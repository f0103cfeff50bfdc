"""The wall display window: places the panels by `compute_layout` and shows a Board.

It knows nothing about the database: `show_board` is given what to show, `set_online`
whether the database answers. It blinks the newest call for `display.blink_seconds`.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QWidget

from display import texts as T
from display.board import Board, date_line
from display.layout import Layout, Orientation, Rect, compute_layout
from display.painting import measure_needs, samples_for_codes
from display.panels import (
    CallingPanel,
    HeaderPanel,
    Panel,
    RecentPanel,
    TickerPanel,
    TilePanel,
    WaitingPanel,
)
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.gui.theme import COLOURS

BLINK_MS = 500


class DisplayWindow(QWidget):
    """Everything people in the room look at."""

    def __init__(self, config: Config, clock: Clock | None = None) -> None:
        super().__init__()
        self.config = config
        self.clock = clock or SystemClock()
        self.setWindowTitle(T.WINDOW_TITLE.vi.format(site=config.site.name))
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(COLOURS.background))
        self.setPalette(pal)
        samples = samples_for_codes([f.prefix for f in config.fields], config.queue.number_digits)
        self.needs = measure_needs([f.name for f in config.fields], config.display.recent_calls)
        self.header = HeaderPanel(config.site.name, self)
        self.calling = CallingPanel(samples, self)
        self.tiles = [TilePanel(samples, self) for _ in config.counters]
        self.recent = RecentPanel(config.display.recent_calls, self)
        self.waiting = WaitingPanel(self)
        self.ticker = TickerPanel(config.display.ticker, self)
        if config.display.recent_calls == 0:
            self.recent.hide()
        self.board: Board | None = None
        self.online = True
        self.layout_: Layout = compute_layout(1280, 720, len(self.tiles), self.needs)
        self._newest_id: int | None = None
        self._blink_until = 0.0
        self._blink_on = False
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_MS)
        self._blink.timeout.connect(self._blink_step)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()
        self._tick()

    # ------------------------------------------------------------------ geometry

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        """Lay the panels out for the window's size (also before a hidden window is shown)."""
        lay = compute_layout(self.width(), self.height(), len(self.tiles), self.needs)
        self.layout_ = lay

        def put(panel: Panel, r: Rect) -> None:
            panel.set_text_px(lay.text_px)
            panel.setGeometry(r.x, r.y, r.w, r.h)

        self.header.two_rows = lay.orientation is Orientation.PORTRAIT
        put(self.header, lay.header)
        put(self.calling, lay.calling)
        for tile, r in zip(self.tiles, lay.tiles, strict=True):
            tile.set_field_lines(lay.tile_field_lines)
            put(tile, r)
        put(self.recent, lay.recent)
        put(self.waiting, lay.waiting)
        put(self.ticker, lay.ticker)

    # ------------------------------------------------------------------ content

    def show_board(self, board: Board) -> None:
        """Show a new state; a newer call than the one shown starts the blink."""
        if (self.layout_.width, self.layout_.height) != (self.width(), self.height()):
            self._place()  # resized while hidden: Qt delivers the resize event only on show
        self.board = board
        newest = board.newest
        self.calling.set_call(newest)
        for tile, view in zip(self.tiles, board.tiles, strict=False):
            lit = newest is not None and view.counter == newest.counter and view.code == newest.code
            tile.set_view(view, lit)
        self.recent.set_calls(board.recent)
        self.waiting.set_fields(board.waiting)
        new_id = newest.event_id if newest else None
        if new_id != self._newest_id:
            self._newest_id = new_id
            self._start_blink(board)

    def _start_blink(self, board: Board) -> None:
        newest = board.newest
        seconds = self.config.display.blink_seconds
        if newest is None or seconds <= 0:
            self._stop_blink()
            return
        age = (self.clock.now() - newest.at).total_seconds()
        left = seconds - max(0.0, age)
        if left <= 0:
            self._stop_blink()
            return
        self._blink_until = time.monotonic() + left
        self._set_blink(True)
        self._blink.start()

    def _blink_step(self) -> None:
        if time.monotonic() >= self._blink_until:
            self._stop_blink()
            return
        self._set_blink(not self._blink_on)

    def _stop_blink(self) -> None:
        self._blink.stop()
        self._set_blink(False)

    def _set_blink(self, on: bool) -> None:
        self._blink_on = on
        self.calling.set_blink(on)
        for tile in self.tiles:
            tile.set_blink(on)

    @property
    def blinking(self) -> bool:
        return self._blink.isActive()

    def set_online(self, online: bool) -> None:
        self.online = online
        self.header.set_online(online)

    def _tick(self) -> None:
        now = self.clock.now()
        day, _ = date_line(now, self.config.zone)
        self.header.set_time(day, f"{now.astimezone(self.config.zone):%H:%M}")

    def stop(self) -> None:
        """Stop the timers (before closing, and for still screenshots)."""
        self._stop_blink()
        self._clock_timer.stop()
        self.ticker.stop()
        self.waiting.stop()

    # ------------------------------------------------------------------ what is shown

    def panels(self) -> list[Panel]:
        return [self.header, self.calling, *self.tiles, self.recent, self.waiting, self.ticker]

    def visible_state(self) -> dict[str, Any]:
        """What the screen shows, as the panels hold it (written to `--snapshot PATH`)."""
        lay = self.layout_
        newest = self.calling.call
        tiles = []
        for t in self.tiles:
            v = t.view
            if v is None:
                continue
            tiles.append(
                {
                    "counter": v.counter,
                    "label": v.label_vi,
                    "state": v.state.value,
                    "code": v.code,
                    "field": v.field_vi,
                    "note": v.note_vi,
                    "highlighted": t.highlight,
                }
            )
        return {
            "online": self.online,
            "date": self.header.date_vi,
            "clock": self.header.clock,
            "last_event_id": self.board.last_event_id if self.board else 0,
            "layout": {
                "width": lay.width,
                "height": lay.height,
                "orientation": lay.orientation.value,
                "columns": lay.columns,
                "rows": lay.rows,
                "text_px": lay.text_px,
                "calling": [lay.calling.x, lay.calling.y, lay.calling.w, lay.calling.h],
            },
            "highlighted": (
                {
                    "event_id": newest.event_id,
                    "code": newest.code,
                    "counter": newest.counter,
                    "field": newest.field_vi,
                    "time": newest.time,
                    "recall": newest.recall,
                }
                if newest
                else None
            ),
            "blinking": self.blinking,
            "tiles": tiles,
            "recent_calls": [
                {"code": c.code, "counter": c.counter, "time": c.time, "recall": c.recall}
                for c in (() if self.recent.isHidden() else self.recent.shown())
            ],
            "waiting": [
                {"field": f.field, "name": f.name_vi, "waiting": f.waiting}
                for f in self.waiting.fields
            ],
            "waiting_page": [self.waiting.page % self.waiting.pages() + 1, self.waiting.pages()],
            "ticker": self.ticker.text,
        }
