"""The painted panels of the wall display: header, newest call, counter tiles, lists, ticker.

Each panel paints itself from plain values (no child widgets), with font sizes derived from
its own size, so the display scales with the screen and every string is recorded for tests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from display.board import CallView, TileState, TileView, WaitingView
from display.painting import TextPainter, TextRun, fit_pixel_size
from kiosk.gui.theme import COLOURS, font

C = COLOURS
Left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Centre = Qt.AlignmentFlag.AlignCenter


class Panel(QWidget):
    """A widget that paints itself with `draw` and keeps the text runs of its last paint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[TextRun] = []
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event: QPaintEvent) -> None:
        runs: list[TextRun] = []
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.draw(TextPainter(p, runs))
        p.end()
        self.runs = runs

    def draw(self, tp: TextPainter) -> None:
        raise NotImplementedError

    def box(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())


def _fit(samples: Sequence[str], w: float, h: float, bold: bool, **kw: bool | int) -> int:
    return fit_pixel_size(tuple(samples), round(w, 1), round(h, 1), bold, **kw)  # type: ignore[arg-type]


class HeaderPanel(Panel):
    """Office name (or the outage notice), date and clock."""

    def __init__(self, site_name: str, site_line: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_name = site_name
        self.site_line = site_line
        self.date_vi = ""
        self.clock = ""
        self.online = True
        self.offline_vi = "Hệ thống tạm thời gián đoạn, vui lòng chờ trong giây lát"
        self.offline_en = "Temporarily unavailable, please wait a moment"

    def set_time(self, date_vi: str, clock: str) -> None:
        if (date_vi, clock) != (self.date_vi, self.clock):
            self.date_vi, self.clock = date_vi, clock
            self.update()

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.update()

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        bg = C.surface if self.online else C.alert
        tp.fill(self.box(), bg)
        pad = h * 0.16
        clock_w = w * 0.13
        date_w = w * 0.22
        right = QRectF(w - pad - clock_w, 0, clock_w, h)
        px_clock = _fit(["88:88"], clock_w, h * 0.72, True)
        clock_fg = C.accent if self.online else C.text
        tp.text(right, self.clock, px_clock, clock_fg, bg, bold=True, align=Right, tight=True)
        date_box = QRectF(right.left() - pad - date_w, 0, date_w, h)
        px_date = _fit(["Chủ Nhật, 28/12/2026"], date_w, h * 0.42, False)
        date_fg = C.muted if self.online else C.text
        tp.text(date_box, self.date_vi, px_date, date_fg, bg, align=Right)
        name_box = QRectF(pad, h * 0.08, date_box.left() - 2 * pad, h * 0.54)
        line_box = QRectF(pad, h * 0.6, date_box.left() - 2 * pad, h * 0.32)
        if self.online:
            px = min(
                _fit([self.site_name], name_box.width(), name_box.height(), True), round(h * 0.4)
            )
            tp.text(name_box, self.site_name, px, C.text, bg, bold=True, align=Left)
            px2 = min(_fit([self.site_line], line_box.width(), line_box.height(), False), px)
            tp.text(line_box, self.site_line, px2, C.muted, bg, align=Left)
        else:
            px = min(
                _fit([self.offline_vi], name_box.width(), name_box.height(), True), round(h * 0.4)
            )
            tp.text(name_box, self.offline_vi, px, C.text, bg, bold=True, align=Left)
            tp.text(line_box, self.offline_en, round(px * 0.7), C.text, bg, align=Left)


def _blink_colours(highlight: bool, blink_on: bool, base_bg: str) -> tuple[str, str, str]:
    """(background, main text, secondary text) of a tile or card in its highlight state."""
    if highlight and blink_on:
        return C.accent, C.background, C.background
    return base_bg, C.text, C.muted


class CallingPanel(Panel):
    """The newest call, largest on the screen: "MỜI SỐ A105 ĐẾN QUẦY 3"."""

    def __init__(self, code_samples: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_samples = tuple(code_samples)
        self.call: CallView | None = None
        self.blink_on = False

    def set_call(self, call: CallView | None) -> None:
        if call != self.call:
            self.call = call
            self.update()

    def set_blink(self, on: bool) -> None:
        if on != self.blink_on:
            self.blink_on = on
            self.update()

    def code_pixel_size(self) -> int:
        w, h = self.width(), self.height()
        pad = min(w, h) * 0.06
        return _fit(self.code_samples, w - 2 * pad, h * 0.46, True, tight=True)

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        tp.fill(self.box(), C.background)
        radius = min(w, h) * 0.04
        pad = min(w, h) * 0.06
        if self.call is None:
            tp.fill(self.box(), C.surface, radius)
            lines = QRectF(pad, h * 0.2, w - 2 * pad, h * 0.4)
            px = _fit(["Mời ông/bà lấy số thứ tự"], lines.width(), lines.height(), True, wrap=True)
            tp.text(lines, "Mời ông/bà lấy số thứ tự", px, C.text, C.surface, bold=True, wrap=True)
            en = QRectF(pad, h * 0.62, w - 2 * pad, h * 0.16)
            tp.text(en, "Please take a number", round(px * 0.6), C.muted, C.surface)
            return
        # Steady highlight: navy on amber; the blink swaps to amber on navy.
        if self.blink_on:
            bg, fg, fg2 = C.background, C.accent, C.accent
            tp.fill(self.box(), bg, radius)
            pen = QPen(QColor(C.accent))
            pen.setWidthF(max(3.0, h * 0.012))
            tp.p.setPen(pen)
            tp.p.setBrush(Qt.BrushStyle.NoBrush)
            inset = pen.widthF() / 2
            tp.p.drawRoundedRect(self.box().adjusted(inset, inset, -inset, -inset), radius, radius)
        else:
            bg, fg, fg2 = C.accent, C.background, C.background
            tp.fill(self.box(), bg, radius)
        top = QRectF(pad, h * 0.03, w - 2 * pad, h * 0.15)
        px_top = _fit(["MỜI SỐ"], top.width() * 0.5, top.height(), True)
        tp.text(top, "MỜI SỐ", px_top, fg, bg, bold=True, align=Left)
        tp.text(top, "NOW CALLING", round(px_top * 0.6), fg2, bg, bold=True, align=Right)
        code_box = QRectF(pad, h * 0.19, w - 2 * pad, h * 0.5)
        tp.text(code_box, self.call.code, self.code_pixel_size(), fg, bg, bold=True, tight=True)
        counter_text = f"ĐẾN {self.call.counter_label_vi}"
        counter_box = QRectF(pad, h * 0.7, w - 2 * pad, h * 0.17)
        px_counter = _fit(
            [f"ĐẾN {self.call.counter_label_vi}"], counter_box.width(), counter_box.height(), True
        )
        tp.text(counter_box, counter_text, px_counter, fg, bg, bold=True)
        field_box = QRectF(pad, h * 0.87, w - 2 * pad, h * 0.11)
        px_field = min(
            _fit([self.call.field_vi], field_box.width(), field_box.height(), False), px_top
        )
        tp.text(field_box, self.call.field_vi, px_field, fg2, bg)


class TilePanel(Panel):
    """One counter: its name, the number it serves, the field (or paused / closed)."""

    def __init__(self, code_samples: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_samples = tuple(code_samples)
        self.view: TileView | None = None
        self.highlight = False
        self.blink_on = False

    def set_view(self, view: TileView, highlight: bool) -> None:
        if (view, highlight) != (self.view, self.highlight):
            self.view, self.highlight = view, highlight
            self.update()

    def set_blink(self, on: bool) -> None:
        if on != self.blink_on:
            self.blink_on = on
            if self.highlight:
                self.update()

    def code_pixel_size(self) -> int:
        w, h = self.width(), self.height()
        pad = min(w, h) * 0.06
        return _fit(self.code_samples, w - 2 * pad, h * 0.44, True, tight=True)

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        tp.fill(self.box(), C.background)
        v = self.view
        if v is None:
            return
        radius = min(w, h) * 0.05
        bg, fg, fg2 = _blink_colours(self.highlight, self.blink_on, C.surface)
        tp.fill(self.box(), bg, radius)
        if self.highlight:
            pen = QPen(QColor(C.accent))
            pen.setWidthF(max(3.0, min(w, h) * 0.025))
            tp.p.setPen(pen)
            tp.p.setBrush(Qt.BrushStyle.NoBrush)
            inset = pen.widthF() / 2
            tp.p.drawRoundedRect(self.box().adjusted(inset, inset, -inset, -inset), radius, radius)
        pad = min(w, h) * 0.06
        label_box = QRectF(pad, h * 0.04, w - 2 * pad, h * 0.17)
        px_label = _fit([v.label_vi, "QUẦY 88"], label_box.width(), label_box.height(), True)
        tp.text(
            label_box,
            v.label_vi,
            px_label,
            fg2 if v.state is TileState.CLOSED else fg,
            bg,
            bold=True,
        )
        code_box = QRectF(pad, h * 0.26, w - 2 * pad, h * 0.48)
        field_box = QRectF(pad, h * 0.79, w - 2 * pad, h * 0.17)
        px_field = min(
            _fit(["Lao động – Xã hội"], field_box.width(), field_box.height(), False), px_label
        )
        if v.state is TileState.SERVING:
            tp.text(code_box, v.code, self.code_pixel_size(), fg, bg, bold=True, tight=True)
            tp.text(field_box, v.field_vi, px_field, fg2, bg)
        elif v.state is TileState.IDLE:
            tp.text(code_box, "—", self.code_pixel_size() // 2, fg2, bg, bold=True, tight=True)
            tp.text(field_box, v.field_vi, px_field, fg2, bg)
        else:
            note_fg = C.accent if v.state is TileState.PAUSED and bg == C.surface else fg2
            px_note = _fit(
                [v.note_vi, "Tạm dừng: Nghỉ trưa"], code_box.width(), code_box.height() * 0.4, True
            )
            tp.text(code_box, v.note_vi, px_note, note_fg, bg, bold=True)
            tp.text(field_box, v.field_vi, px_field, fg2, bg)


class RecentPanel(Panel):
    """The calls before the newest one: code and counter, newest first."""

    def __init__(self, rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = max(1, rows)
        self.columns = 2
        self.calls: tuple[CallView, ...] = ()

    def set_calls(self, calls: Sequence[CallView]) -> None:
        calls = tuple(calls)
        if calls != self.calls:
            self.calls = calls
            self.update()

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        tp.fill(self.box(), C.background)
        radius = min(w, h) * 0.04
        tp.fill(self.box(), C.surface, radius)
        pad = min(w, h) * 0.05
        title_h = min(h * 0.2, w * 0.09)
        title = QRectF(pad, pad * 0.3, w - 2 * pad, title_h)
        px_title = _fit(["SỐ VỪA GỌI"], title.width() * 0.55, title_h * 0.62, True)
        tp.text(title, "SỐ VỪA GỌI", px_title, C.muted, C.surface, bold=True, align=Left)
        tp.text(title, "Recent calls", round(px_title * 0.8), C.muted, C.surface, align=Right)
        cols = self.columns
        rows = -(-self.limit // cols)
        area = QRectF(pad, title.bottom(), w - 2 * pad, h - title.bottom() - pad * 0.5)
        cell_w, cell_h = area.width() / cols, area.height() / rows
        code_w = cell_w * 0.5
        px = _fit(["A888", "QUẦY 88"], code_w - pad * 0.5, cell_h * 0.58, True)
        line = QPen(QColor(C.surface_alt))
        line.setWidthF(max(1.0, h * 0.004))
        for i, call in enumerate(self.calls[: self.limit]):
            r, c = divmod(i, cols)
            x, y = area.left() + c * cell_w, area.top() + r * cell_h
            if r:
                tp.p.setPen(line)
                tp.p.drawLine(QPointF(x, y), QPointF(x + cell_w - pad * 0.5, y))
            code_box = QRectF(x, y, code_w, cell_h)
            tp.text(code_box, call.code, px, C.text, C.surface, bold=True, align=Left)
            counter_box = QRectF(x + code_w, y, cell_w - code_w - pad * 0.5, cell_h)
            tp.text(
                counter_box,
                call.counter_label_vi,
                round(px * 0.8),
                C.muted,
                C.surface,
                bold=True,
                align=Left,
            )


class WaitingPanel(Panel):
    """How many people wait in each field: "A  Hộ tịch  12"."""

    def __init__(self, vertical: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vertical = vertical
        self.fields: tuple[WaitingView, ...] = ()

    def set_fields(self, fields: Sequence[WaitingView]) -> None:
        fields = tuple(fields)
        if fields != self.fields:
            self.fields = fields
            self.update()

    def grid(self) -> tuple[int, int]:
        n = max(1, len(self.fields))
        if self.vertical:
            return 1, n
        rows = 1 if n <= 4 else 2 if n <= 10 else 3
        return -(-n // rows), rows

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        tp.fill(self.box(), C.background)
        radius = min(w, h) * (0.04 if self.vertical else 0.08)
        tp.fill(self.box(), C.surface, radius)
        pad = min(w, h) * (0.05 if self.vertical else 0.1)
        if self.vertical:
            title_h = min(h * 0.2, w * 0.09)
            title = QRectF(pad, pad * 0.3, w - 2 * pad, title_h)
            px_title = _fit(["ĐANG CHỜ"], title.width() * 0.5, title_h * 0.62, True)
            tp.text(title, "ĐANG CHỜ", px_title, C.muted, C.surface, bold=True, align=Left)
            tp.text(title, "Waiting", round(px_title * 0.8), C.muted, C.surface, align=Right)
            area = QRectF(pad, title.bottom(), w - 2 * pad, h - title.bottom() - pad * 0.5)
        else:
            title_w = min(w * 0.12, h * 1.5)
            px_title = _fit(["ĐANG CHỜ"], title_w, h * 0.26, True)
            top = QRectF(pad, h * 0.18, title_w, h * 0.36)
            tp.text(top, "ĐANG CHỜ", px_title, C.muted, C.surface, bold=True, align=Left)
            low = QRectF(pad, h * 0.5, title_w, h * 0.3)
            tp.text(low, "Waiting", round(px_title * 0.8), C.muted, C.surface, align=Left)
            area = QRectF(pad * 2 + title_w, pad * 0.5, w - title_w - 3 * pad, h - pad)
        if not self.fields:
            return
        cols, rows = self.grid()
        cell_w, cell_h = area.width() / cols, area.height() / rows
        gap = cell_h * 0.15
        badge = min(cell_h * 0.78, cell_w * 0.16)
        count_w = min(cell_w * 0.22, badge * 1.7)
        name_w = cell_w - badge - count_w - 3 * gap
        px_count = _fit(["888"], count_w, cell_h * 0.8, True)
        px_badge = _fit(["KB"], badge * 0.8, badge * 0.55, True)
        names = [f.name_vi for f in self.fields]
        px_name = min(
            _fit(names, name_w, cell_h * 0.95, False, wrap=True), round(cell_h * 0.5), px_count
        )
        for i, f in enumerate(self.fields):
            r, c = divmod(i, cols)
            x, y = area.left() + c * cell_w, area.top() + r * cell_h
            badge_box = QRectF(x, y + (cell_h - badge) / 2, badge, badge)
            tp.fill(badge_box, C.surface_alt, badge * 0.18)
            tp.text(badge_box, f.prefix, px_badge, C.text, C.surface_alt, bold=True)
            name_box = QRectF(x + badge + gap, y, name_w, cell_h)
            tp.text(name_box, f.name_vi, px_name, C.text, C.surface, align=Left, wrap=True)
            count_box = QRectF(x + cell_w - count_w - gap, y, count_w, cell_h)
            fg = C.accent if f.waiting else C.muted
            tp.text(count_box, str(f.waiting), px_count, fg, C.surface, bold=True, align=Right)


class TickerPanel(Panel):
    """The scrolling line at the bottom (hotlines by default)."""

    FRAME_MS = 33
    #: Scroll speed in text heights per second (readable while it moves).
    SPEED = 2.6

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text.strip()
        self.offset = 0.0
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(self.FRAME_MS)
        self._timer.timeout.connect(self._step)
        if self.text:
            self._timer.start()

    def pixel_size(self) -> int:
        return max(12, round(self.height() * 0.5))

    def _text_width(self) -> float:
        return QFontMetricsF(font(self.pixel_size())).horizontalAdvance(self.text)

    def _step(self) -> None:
        now = time.monotonic()
        dt, self._last = min(0.2, now - self._last), now
        self.offset -= self.SPEED * self.pixel_size() * dt
        if self.offset < -self._text_width():
            self.offset = float(self.width())
        self.update()

    def stop(self) -> None:
        self._timer.stop()

    def draw(self, tp: TextPainter) -> None:
        w, h = self.width(), self.height()
        tp.fill(self.box(), C.surface_alt)
        if not self.text:
            return
        pad = h * 0.5
        box = QRectF(pad + self.offset, 0, self._text_width() + 4, h)
        tp.text(box, self.text, self.pixel_size(), C.text, C.surface_alt, align=Left, elide=False)
        # The runs must describe the whole text even when part of it is off screen.
        if tp.runs:
            last = tp.runs[-1]
            tp.runs[-1] = TextRun(
                self.text, last.pixel_size, last.bold, last.fg, last.bg, 0, 0, w, h, last.ink_height
            )
