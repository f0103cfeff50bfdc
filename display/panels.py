"""The painted panels of the wall display: header, newest call, counter tiles, lists, ticker.

Each panel paints itself from plain values (no child widgets) and records every string it
draws. Text is never smaller than the layout's `text_px` (what a citizen reads at 10 m) and
never cut: a text that does not fit at that size is wrapped between words or left out whole.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from display import texts as T
from display.board import FIELD_SEPARATOR, CallView, TileState, TileView, WaitingView
from display.layout import (
    CODE_FILL,
    CODE_FILL_HEIGHT,
    LABEL_EM,
    LINE_EM,
    Rect,
    TileParts,
    line_px,
    table_columns,
    table_row_px,
    table_title_bottom,
    tile_parts,
)
from display.painting import (
    TextPainter,
    TextRun,
    balanced_lines,
    fit_pixel_size,
    fits_line,
    fits_wrapped,
)
from kiosk.core.errors import UNAVAILABLE
from kiosk.core.texts import Language, weekday_date
from kiosk.gui.theme import COLOURS, font

C = COLOURS
Left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Centre = Qt.AlignmentFlag.AlignCenter

#: Share of the card's number box its number fills down (clear of the lines above and below).
CARD_CODE_FILL = 0.9
CALLING_VI, CALLING_EN = T.CALLING
IDLE_VI, IDLE_EN = T.IDLE
RECENT_VI, RECENT_EN = T.RECENT
WAITING_VI, WAITING_EN = T.WAITING
#: The widest counter label and date the layout makes room for.
WIDEST_LABEL = T.COUNTER.vi.format(n=88).upper()
WIDEST_DATE = weekday_date(datetime(2026, 12, 27), Language.VI)


class Panel(QWidget):
    """A widget that paints itself with `draw` and keeps the text runs of its last paint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[TextRun] = []
        self.text_px = 32  # the smallest text, set from the layout
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_text_px(self, px: int) -> None:
        if px != self.text_px:
            self.text_px = px
            self.update()

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

    def fit(self, samples: Sequence[str], box: QRectF, bold: bool, cap: float, **kw: bool) -> int:
        """The largest size up to `cap` at which the samples fit `box`, never under text_px."""
        px = fit_pixel_size(
            tuple(samples),
            round(box.width(), 1),
            round(box.height(), 1),
            bold,
            cap=max(self.text_px, round(cap)),
            **kw,
        )
        return max(px, self.text_px)


def _advance(text: str, px: int, bold: bool = False) -> float:
    return QFontMetricsF(font(px, bold=bold)).horizontalAdvance(text)


def _frame(tp: TextPainter, box: QRectF, colour: str, width: float, radius: float) -> None:
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    tp.p.setPen(pen)
    tp.p.setBrush(Qt.BrushStyle.NoBrush)
    inset = width / 2
    tp.p.drawRoundedRect(box.adjusted(inset, inset, -inset, -inset), radius, radius)


class HeaderPanel(Panel):
    """Office name (or the outage notice), date and clock: one row, or two in portrait."""

    def __init__(self, site_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_name = site_name
        self.two_rows = False
        self.date_vi = ""
        self.clock = ""
        self.online = True
        self.offline_vi, self.offline_en = UNAVAILABLE

    def set_time(self, date_vi: str, clock: str) -> None:
        if (date_vi, clock) != (self.date_vi, self.clock):
            self.date_vi, self.clock = date_vi, clock
            self.update()

    def set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.update()

    def draw(self, tp: TextPainter) -> None:
        w, h, t = self.width(), self.height(), self.text_px
        bg = C.surface if self.online else C.alert
        tp.fill(self.box(), bg)
        pad = t * 0.5
        fg2 = C.muted if self.online else C.text
        clock_px = round(t * 1.6)
        clock_w = _advance("88:88", clock_px, True) + 2
        date_w = _advance(WIDEST_DATE, t) + 2
        if self.two_rows:
            top = QRectF(pad, t * 0.2, w - 2 * pad, line_px(t * 1.2))
            low = QRectF(pad, top.bottom(), w - 2 * pad, h - top.bottom())
            clock_box = QRectF(low.right() - clock_w, low.top(), clock_w, low.height())
            words = low.adjusted(0, 0, -clock_w - pad, 0)
            if self.online:
                px = self.fit([self.site_name], top, True, t * 1.2)
                tp.text(top, self.site_name, px, C.text, bg, bold=True, align=Left)
                tp.text(words, self.date_vi, t, fg2, bg, align=Left)
            else:
                px = self.fit([self.offline_vi], top, True, t * 1.2)
                tp.text(top, self.offline_vi, px, C.text, bg, bold=True, align=Left)
                tp.text(words, self.offline_en, t, C.text, bg, align=Left)
        else:
            clock_box = QRectF(w - pad - clock_w, 0, clock_w, h)
            date_box = QRectF(clock_box.left() - pad - date_w, 0, date_w, h)
            words = QRectF(pad, 0, date_box.left() - 2 * pad, h)
            if self.online:
                tp.text(date_box, self.date_vi, t, fg2, bg, align=Right)
                self._name(tp, words, bg)
            else:
                half = words.height() / 2
                top = QRectF(words.left(), 0, words.width() + date_w + pad, half)
                low = QRectF(words.left(), half, top.width(), half)
                tp.text(top, self.offline_vi, t, C.text, bg, bold=True, align=Left)
                tp.text(low, self.offline_en, t, C.text, bg, align=Left)
        clock_fg = C.accent if self.online else C.text
        tp.text(clock_box, self.clock, clock_px, clock_fg, bg, bold=True, align=Right, tight=True)

    def _name(self, tp: TextPainter, box: QRectF, bg: str) -> None:
        """The office name on one line, or wrapped over two when it is too long for one."""
        t = self.text_px
        if fits_line(self.site_name, t, True, box.width(), box.height()):
            px = self.fit([self.site_name], box, True, t * 1.4)
            tp.text(box, self.site_name, px, C.text, bg, bold=True, align=Left)
        else:
            tp.text(box, self.site_name, t, C.text, bg, bold=True, align=Left, wrap=True)


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

    def _pad(self) -> float:
        return max(self.text_px * 0.4, min(self.width(), self.height()) * 0.04)

    def _boxes(self, field: str) -> tuple[QRectF, QRectF, QRectF, QRectF, bool]:
        """(top line, code, counter line, field line(s), field wrapped) for this size."""
        w, h, t = self.width(), self.height(), self.text_px
        pad = self._pad()
        inner = w - 2 * pad
        top = QRectF(pad, pad * 0.5, inner, line_px(t * 1.25))
        wrap = not fits_line(field, t, False, inner, line_px(t))
        field_h = line_px(t, 2 if wrap else 1)
        field_box = QRectF(pad, h - pad * 0.5 - field_h, inner, field_h)
        counter_h = max(line_px(t * 1.5), h * 0.17)
        counter = QRectF(pad, field_box.top() - counter_h, inner, counter_h)
        code = QRectF(pad, top.bottom(), inner, counter.top() - top.bottom())
        return top, code, counter, field_box, wrap

    def code_pixel_size(self) -> int:
        _, code, _, _, _ = self._boxes(self.call.field_vi if self.call else "")
        width, height = round(code.width(), 1), round(code.height() * CARD_CODE_FILL, 1)
        return fit_pixel_size(self.code_samples, width, height, True, tight=True)

    def draw(self, tp: TextPainter) -> None:
        w, h, t = self.width(), self.height(), self.text_px
        tp.fill(self.box(), C.background)
        radius = min(w, h) * 0.04
        pad = self._pad()
        if self.call is None:
            tp.fill(self.box(), C.surface, radius)
            lines = QRectF(pad, h * 0.12, w - 2 * pad, h * 0.5)
            px = self.fit([IDLE_VI], lines, True, h * 0.16, wrap=True)
            tp.text(lines, IDLE_VI, px, C.text, C.surface, bold=True, wrap=True)
            en = QRectF(pad, lines.bottom(), w - 2 * pad, line_px(max(t, px * 0.6)))
            tp.text(en, IDLE_EN, self.fit([IDLE_EN], en, False, px * 0.6), C.muted, C.surface)
            return
        # Steady highlight: navy on amber; the blink swaps to amber on navy.
        if self.blink_on:
            bg, fg, fg2 = C.background, C.accent, C.accent
            tp.fill(self.box(), bg, radius)
            _frame(tp, self.box(), C.accent, max(3.0, h * 0.012), radius)
        else:
            bg, fg, fg2 = C.accent, C.background, C.background
            tp.fill(self.box(), bg, radius)
        call = self.call
        top, code, counter, field, wrap = self._boxes(call.field_vi)
        px_top = self.fit([CALLING_VI], top, True, t * 1.25)
        tp.text(top, CALLING_VI, px_top, fg, bg, bold=True, align=Left)
        tp.text(top, CALLING_EN, t, fg2, bg, bold=True, align=Right)
        tp.text(code, call.code, self.code_pixel_size(), fg, bg, bold=True, tight=True)
        counter_text = T.TO_COUNTER.vi.format(label=call.counter_label_vi)
        px_counter = self.fit([counter_text], counter, True, counter.height() / LINE_EM)
        tp.text(counter, counter_text, px_counter, fg, bg, bold=True)
        field_text = (
            balanced_lines(call.field_vi, t, False, field.width()) if wrap else call.field_vi
        )
        tp.text(field, field_text, t, fg2, bg, wrap=wrap)


class TilePanel(Panel):
    """One counter: its name, the number it serves, the field (or paused / closed)."""

    def __init__(self, code_samples: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_samples = tuple(code_samples)
        self.view: TileView | None = None
        self.highlight = False
        self.blink_on = False
        self.field_lines = 1  # set from the layout: lines the field gets under the number

    def set_view(self, view: TileView, highlight: bool) -> None:
        if (view, highlight) != (self.view, self.highlight):
            self.view, self.highlight = view, highlight
            self.update()

    def set_field_lines(self, lines: int) -> None:
        if lines != self.field_lines:
            self.field_lines = lines
            self.update()

    def set_blink(self, on: bool) -> None:
        if on != self.blink_on:
            self.blink_on = on
            if self.highlight:
                self.update()

    def _parts(self) -> TileParts:
        officer = self.view is not None and self.view.officer is not None
        return tile_parts(
            self.width(), self.height(), self.text_px, self.field_lines, officer=officer
        )

    def code_pixel_size(self) -> int:
        code = self._parts().code
        width, height = round(code.w * CODE_FILL, 1), round(code.h * CODE_FILL_HEIGHT, 1)
        return fit_pixel_size(self.code_samples, width, height, True, tight=True)

    def draw(self, tp: TextPainter) -> None:
        w, h, t = self.width(), self.height(), self.text_px
        tp.fill(self.box(), C.background)
        v = self.view
        if v is None:
            return
        radius = min(w, h) * 0.05
        bg, fg, fg2 = _blink_colours(self.highlight, self.blink_on, C.surface)
        tp.fill(self.box(), bg, radius)
        if self.highlight:
            _frame(tp, self.box(), C.accent, max(3.0, min(w, h) * 0.025), radius)
        parts = self._parts()
        label = _qrect(parts.label)
        px_label = self.fit([v.label_vi, WIDEST_LABEL], label, True, parts.label_px)
        label_fg = fg2 if v.state is TileState.CLOSED else fg
        tp.text(label, v.label_vi, px_label, label_fg, bg, bold=True)
        if v.officer:  # in its own line under the name, cut with "…" when long
            box = _qrect(parts.officer)
            shown = QFontMetricsF(font(parts.officer_px)).elidedText(
                v.officer, Qt.TextElideMode.ElideRight, box.width()
            )
            tp.text(box, shown, parts.officer_px, fg2, bg)
        if v.state is TileState.SERVING:
            code = _qrect(parts.code)
            tp.text(code, v.code, self.code_pixel_size(), fg, bg, bold=True, tight=True)
            if parts.field_lines:
                field = _qrect(parts.field)
                wrap = parts.field_lines > 1
                text = balanced_lines(v.field_vi, t, False, field.width()) if wrap else v.field_vi
                if fits_wrapped(text, t, False, field.width(), field.height()):
                    tp.text(field, text, t, fg2, bg, wrap=wrap)
            return
        # Not serving: a note where the number goes, then the fields it serves if they fit.
        rest = QRectF(parts.code.x, parts.code.y, parts.code.w, h - parts.code.y - parts.label.y)
        note_fg = C.accent if v.state is TileState.PAUSED and bg == C.surface else fg2
        note_box = self._note(tp, [v.note_vi or "—", v.status_vi], rest, note_fg, bg)
        served = QRectF(
            rest.left(), note_box.bottom(), rest.width(), rest.bottom() - note_box.bottom()
        )
        names = v.field_vi
        if not fits_line(names, t, False, served.width(), line_px(t)):  # one field a line
            split = names.split(FIELD_SEPARATOR)
            names = "\n".join(balanced_lines(n, t, False, served.width()) for n in split)
        if names and fits_wrapped(names, t, False, served.width(), served.height()):
            tp.text(served, names, t, fg2, bg, wrap=True)

    def _note(
        self, tp: TextPainter, candidates: Sequence[str], area: QRectF, fg: str, bg: str
    ) -> QRectF:
        """The first of `candidates` that fits `area` (one large line, or wrapped); its box."""
        t = self.text_px
        for note in filter(None, candidates):
            one = QRectF(area.left(), area.top(), area.width(), line_px(t * 1.3))
            if fits_line(note, t, True, one.width(), min(one.height(), area.height())):
                tp.text(one, note, self.fit([note], one, True, t * 1.3), fg, bg, bold=True)
                return one
            fm = QFontMetricsF(font(t, bold=True))
            flags = Qt.TextFlag.TextWordWrap
            laid = fm.boundingRect(QRectF(0, 0, area.width(), 1e6), flags, note)
            if laid.width() <= area.width() and laid.height() <= area.height():
                box = QRectF(area.left(), area.top(), area.width(), math.ceil(laid.height()))
                tp.text(box, note, t, fg, bg, bold=True, wrap=True)
                return box
        return QRectF(area.left(), area.top(), area.width(), 0)


def _qrect(r: Rect) -> QRectF:
    return QRectF(r.x, r.y, r.w, r.h)


class RecentPanel(Panel):
    """The calls before the one on the card, newest first: as many as fit, each code whole.

    A strip of two-line cells (code over counter) when wide, else a list of one-line rows.
    """

    def __init__(self, rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = max(1, rows)
        self.calls: tuple[CallView, ...] = ()

    def set_calls(self, calls: Sequence[CallView]) -> None:
        calls = tuple(calls)
        if calls != self.calls:
            self.calls = calls
            self.update()

    def shown(self) -> tuple[CallView, ...]:
        """The calls the panel has room for at its current size."""
        return self.calls[: len(self._slots())]

    def _strip(self) -> bool:
        return self.width() >= 2.2 * self.height()

    def _title_box(self) -> QRectF:
        """Where "SỐ VỪA GỌI / Recent calls" go: two lines, left (strip) or on top (list)."""
        t, h = self.text_px, self.height()
        pad = t * 0.4
        width = max(_advance(RECENT_VI, t, True), _advance(RECENT_EN, t)) + 2
        title_h = line_px(t, 2)
        if self._strip():
            return QRectF(pad, (h - title_h) / 2, width, title_h)
        return QRectF(pad, pad, self.width() - 2 * pad, title_h)

    def _slots(self) -> list[tuple[QRectF, QRectF, Qt.AlignmentFlag]]:
        """(code box, counter box, alignment) of each call that fits, newest first."""
        t, w, h = self.text_px, self.width(), self.height()
        pad, gap, code_px = t * 0.4, t * 0.9, round(t * LABEL_EM)
        codes = [c.code for c in self.calls] + ["A888"]
        labels = [c.counter_label_vi for c in self.calls] + [WIDEST_LABEL]
        code_w = max(_advance(c, code_px, True) for c in codes) + 2
        label_w = max(_advance(lb, t, True) for lb in labels) + 2
        title = self._title_box()
        slots: list[tuple[QRectF, QRectF, Qt.AlignmentFlag]] = []
        if self._strip():
            cell_w, code_h, label_h = max(code_w, label_w), line_px(code_px), line_px(t)
            top = (h - code_h - label_h) / 2
            x = title.right() + gap
            while x + cell_w <= w - pad and len(slots) < self.limit:
                code = QRectF(x, top, cell_w, code_h)
                slots.append((code, QRectF(x, code.bottom(), cell_w, label_h), Centre))
                x += cell_w + gap
            return slots
        row_h, cell_w = line_px(code_px), code_w + label_w + t * 0.5
        x, y = pad, title.bottom() + pad * 0.5
        while x + cell_w <= w - pad and len(slots) < self.limit:
            if y + row_h > h - pad * 0.5:  # next column
                x, y = x + cell_w + gap, title.bottom() + pad * 0.5
                continue
            code = QRectF(x, y, code_w, row_h)
            slots.append((code, QRectF(x + cell_w - label_w, y, label_w, row_h), Right))
            y += row_h
        return slots

    def draw(self, tp: TextPainter) -> None:
        w, h, t = self.width(), self.height(), self.text_px
        tp.fill(self.box(), C.background)
        tp.fill(self.box(), C.surface, min(w, h) * 0.06)
        title = self._title_box()
        top, low = (
            title.adjusted(0, 0, 0, -title.height() / 2),
            title.adjusted(0, title.height() / 2, 0, 0),
        )
        tp.text(top, RECENT_VI, t, C.muted, C.surface, bold=True, align=Left)
        tp.text(low, RECENT_EN, t, C.muted, C.surface, align=Left)
        line = QPen(QColor(C.surface_alt))
        line.setWidthF(max(1.0, t * 0.08))
        strip = self._strip()
        for call, (code, label, align) in zip(self.calls, self._slots(), strict=False):
            tp.p.setPen(line)
            if strip:  # a rule before each cell
                x = code.left() - t * 0.45
                tp.p.drawLine(QPointF(x, h * 0.15), QPointF(x, h * 0.85))
            elif code.top() > title.bottom() + t:  # a rule above each row but the first
                tp.p.drawLine(code.topLeft(), QPointF(label.right(), code.top()))
            code_align = Centre if strip else Left
            tp.text(
                code, call.code, round(t * LABEL_EM), C.text, C.surface, bold=True, align=code_align
            )
            tp.text(label, call.counter_label_vi, t, C.muted, C.surface, bold=True, align=align)


class WaitingPanel(Panel):
    """How many people wait in each field, as a table: "A │ Hộ tịch │ 12".

    When the fields do not all fit at the smallest text size, the table turns pages.
    """

    PAGE_MS = 8000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: tuple[WaitingView, ...] = ()
        self.page = 0
        self.pager = QTimer(self)
        self.pager.setInterval(self.PAGE_MS)
        self.pager.timeout.connect(self._turn)
        self.pager.start()

    def set_fields(self, fields: Sequence[WaitingView]) -> None:
        fields = tuple(fields)
        if fields != self.fields:
            self.fields = fields
            self.update()

    def _turn(self) -> None:
        if self.pages() > 1:
            self.page = (self.page + 1) % self.pages()
            self.update()

    def stop(self) -> None:
        self.pager.stop()

    def _rows(self) -> tuple[int, int, bool]:
        """(row height, rows per page, names wrapped) at the current size."""
        t = self.text_px
        name_w = table_columns(self.width(), t).name_w
        wrap = not all(fits_line(f.name_vi, t, False, name_w, line_px(t)) for f in self.fields)
        row_h = table_row_px(t, wrap)
        room = self.height() - table_title_bottom(t) - round(t * 0.4)
        return row_h, max(1, room // row_h), wrap

    def pages(self) -> int:
        _, per_page, _ = self._rows()
        return max(1, math.ceil(len(self.fields) / per_page))

    def shown(self) -> tuple[WaitingView, ...]:
        """The fields on the current page."""
        _, per_page, _ = self._rows()
        first = (self.page % self.pages()) * per_page
        return self.fields[first : first + per_page]

    def draw(self, tp: TextPainter) -> None:
        w, h, t = self.width(), self.height(), self.text_px
        tp.fill(self.box(), C.background)
        tp.fill(self.box(), C.surface, min(w, h) * 0.04)
        cols = table_columns(w, t)
        pad = cols.pad
        title = QRectF(pad, pad, w - 2 * pad, line_px(t))
        tp.text(title, WAITING_VI, t, C.muted, C.surface, bold=True, align=Left)
        en = title.adjusted(_advance(WAITING_VI, t, True) + t * 0.6, 0, 0, 0)
        tp.text(en, WAITING_EN, t, C.muted, C.surface, align=Left)
        if self.pages() > 1:
            page = f"{self.page % self.pages() + 1}/{self.pages()}"
            tp.text(title, page, t, C.muted, C.surface, bold=True, align=Right)
        row_h, _, wrap = self._rows()
        y = table_title_bottom(t)
        count_px = min(round(t * 1.25), max(t, int(row_h / 1.37)))
        line = QPen(QColor(C.surface_alt))
        line.setWidthF(max(1.0, t * 0.06))
        inset = t * 0.12
        for i, f in enumerate(self.shown()):
            if i:
                tp.p.setPen(line)
                tp.p.drawLine(QPointF(pad, y), QPointF(w - pad, y))
            badge = QRectF(pad, y + inset, cols.badge_w, row_h - 2 * inset)
            tp.fill(badge, C.surface_alt, t * 0.25)
            tp.text(badge, f.prefix, t, C.text, C.surface_alt, bold=True, tight=True)
            name = QRectF(badge.right() + cols.gap, y, cols.name_w, row_h)
            shown = balanced_lines(f.name_vi, t, False, name.width()) if wrap else f.name_vi
            tp.text(name, shown, t, C.text, C.surface, align=Left, wrap=wrap)
            count = QRectF(w - pad - cols.count_w, y, cols.count_w, row_h)
            fg = C.accent if f.waiting else C.muted
            tp.text(count, str(f.waiting), count_px, fg, C.surface, bold=True, align=Right)
            y += row_h


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
        return max(self.text_px, round(self.height() * 0.6))

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
        pad = self.text_px * 0.8
        box = QRectF(pad + self.offset, 0, self._text_width() + 4, h)
        tp.text(box, self.text, self.pixel_size(), C.text, C.surface_alt, align=Left, elide=False)
        # The runs must describe the whole text even when part of it is off screen.
        if tp.runs:
            last = tp.runs[-1]
            tp.runs[-1] = TextRun(
                self.text, last.pixel_size, last.bold, last.fg, last.bg, 0, 0, w, h, last.ink_height
            )
