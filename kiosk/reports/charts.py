"""Report charts (PNG), drawn with QtGui only: no matplotlib, numpy, QtCharts or QtPrintSupport.

Layout is in points (1/72 inch); a PNG scales its painter by dpi/72, the PDF (report_pdf.py)
paints the same charts at 72 dpi. Charts: citizens per hour with the wait p50/p90 against the
target, waits per field, citizens and dossiers per day, citizens served per counter, outcomes
per field. Axes use 1-2-5 steps (painting.py), the left and right axes of a chart share their
gridlines, missing values (None) are gaps, never zeros. Labels are Vietnamese by default,
English with lang="en". Series also differ by lightness, marker shape and line style, so a
grey-scale print reads.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from kiosk.core.ratings import FACE_COLOURS, RatingLevel
from kiosk.core.wording import number, plain, share
from kiosk.reports import texts as T
from kiosk.reports.painting import (
    CHART_DPI,
    CHART_SIZE,
    HEADING,
    PALETTE,
    SMALL,
    TEXT,
    TICK,
    TITLE,
    Scale,
    draw_line_text,
    draw_text,
    font_line_height,
    in_minutes,
    make_font,
    paint_image,
    report_subtitle,
    save_png,
    shared_scales,
    text_width,
    wrap_text,
)
from kiosk.reports.report import GroupStats, Report, Satisfaction

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ chart parts


@dataclass(frozen=True)
class _Key:
    """One legend entry: a bar swatch, or a line (solid or dashed) with a marker."""

    label: str
    colour: str
    kind: str = "bar"  # bar, line, dashed, marker
    marker: str = ""  # circle, square, diamond


def _marker(p: QPainter, x: float, y: float, shape: str, colour: str, size: float = 6.5) -> None:
    """A marker with a white rim, so it stands out on bars and in grey-scale print."""
    if not shape:
        return
    p.setPen(QPen(QColor("white"), 1.0))
    p.setBrush(QBrush(QColor(colour)))
    r = size / 2
    if shape == "circle":
        p.drawEllipse(QPointF(x, y), r, r)
    elif shape == "square":
        p.drawRect(QRectF(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8))
    else:
        path = QPainterPath(QPointF(x, y - r * 1.2))
        path.lineTo(x + r, y)
        path.lineTo(x, y + r * 1.2)
        path.lineTo(x - r, y)
        path.closeSubpath()
        p.drawPath(path)


def _polyline(
    p: QPainter,
    points: Sequence[QPointF | None],
    colour: str,
    *,
    marker: str = "",
    width: float = 1.8,
    markers: bool = True,
) -> None:
    """A line through the points, broken where a point is missing (None); markers on top."""
    runs: list[list[QPointF]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    p.setBrush(Qt.BrushStyle.NoBrush)
    # A white casing first keeps the line apart from the bars behind it.
    for pen_colour, pen_width in (("white", width + 2), (colour, width)):
        pen = QPen(QColor(pen_colour), pen_width)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        for run in runs:
            if len(run) > 1:
                path = QPainterPath(run[0])
                for point in run[1:]:
                    path.lineTo(point)
                p.drawPath(path)
    for run in runs:
        for point in run:
            # A lone point still shows (as a marker) even where markers are off.
            if markers or len(run) == 1:
                _marker(p, point.x(), point.y(), marker or "circle", colour)


def _dashed_pen(colour: str, width: float = 1.4) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setDashPattern([5.0, 3.0])
    return pen


def _draw_key(p: QPainter, x: float, y: float, key: _Key, font: QFont) -> float:
    """A legend entry with its top-left at (x, y); returns its width."""
    h = font_line_height(font)
    mid = y + h / 2
    if key.kind == "bar":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(key.colour)))
        p.drawRect(QRectF(x, mid - 5, 11, 10))
        swatch = 11.0
    else:
        swatch = 22.0
        if key.kind in ("line", "dashed"):
            pen = _dashed_pen(key.colour) if key.kind == "dashed" else QPen(QColor(key.colour), 1.8)
            p.setPen(pen)
            p.drawLine(QPointF(x, mid), QPointF(x + swatch, mid))
        _marker(p, x + swatch / 2, mid, key.marker, key.colour)
    text_w = text_width(font, key.label)
    draw_text(p, QRectF(x + swatch + 5, y, text_w + 2, h), key.label, font, PALETTE.text)
    return swatch + 5 + text_w


def _header(
    p: QPainter,
    area: QRectF,
    title: str,
    subtitle: str | None,
    keys: Sequence[_Key],
    *,
    compact: bool = False,
) -> float:
    """Title, subtitle and legend (in as many rows as it needs); returns the y below them."""
    x, y, width = area.left(), area.top(), area.width()
    y = draw_line_text(
        p, x, y, width, title, make_font(11 if compact else TITLE, bold=True), PALETTE.header
    )
    if subtitle:
        y = draw_line_text(p, x, y, width, subtitle, make_font(TEXT), PALETTE.muted)
    if keys:
        font = make_font(SMALL if compact else TEXT)
        y += 4
        row_x = x
        for key in keys:
            needed = 27 + text_width(font, key.label)
            if row_x > x and row_x + needed > x + width:
                row_x = x
                y += font_line_height(font) + 2
            row_x += _draw_key(p, row_x, y, key, font) + 16
        y += font_line_height(font)
    return y + 6


def _no_data(p: QPainter, rect: QRectF, lang: str) -> None:
    p.setPen(QPen(QColor(PALETTE.grid), 1))
    p.setBrush(QBrush(QColor(PALETTE.stripe)))
    p.drawRoundedRect(rect, 6, 6)
    draw_text(
        p,
        rect,
        T.NO_DATA.get(lang),
        make_font(HEADING),
        PALETTE.muted,
        Qt.AlignmentFlag.AlignCenter,
    )


@dataclass(frozen=True)
class _Axis:
    title: str
    largest: float
    min_step: float = 1.0
    #: The language of the tick labels ("0,5" in Vietnamese).
    lang: str = "en"


def _vertical_title(p: QPainter, x: float, top: float, bottom: float, text: str) -> None:
    """An axis title written upwards, centred between `top` and `bottom`, left edge at `x`."""
    font = make_font(TEXT)
    h = font_line_height(font)
    length = bottom - top
    shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, length)
    p.save()
    p.translate(x, bottom)
    p.rotate(-90)
    draw_text(p, QRectF(0, 0, length, h), shown, font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
    p.restore()


Labels = Callable[[float], list[tuple[int, str]]]


def _every_nth(texts: Sequence[str]) -> Labels:
    """Label every category, or every n-th when there is not room for all."""

    def pick(slot: float) -> list[tuple[int, str]]:
        font = make_font(TICK)
        widest = max((text_width(font, t) for t in texts), default=0.0)
        step = max(1, math.ceil((widest + 8) / slot)) if slot > 0 else 1
        return [(i, t) for i, t in enumerate(texts) if i % step == 0]

    return pick


class _ColumnPlot:
    """Categories along x, values up the left axis and optionally the right one.

    Draws the gridlines, the axes' labels and titles; the chart then draws its data with
    `x()`, `y()` and `y2()`.
    """

    def __init__(
        self,
        p: QPainter,
        area: QRectF,
        n: int,
        labels: Labels,
        left: _Axis,
        right: _Axis | None = None,
        x_title: str | None = None,
    ) -> None:
        self._p = p
        self.n = n
        self.lang = left.lang
        tick_font, title_font = make_font(TICK), make_font(TEXT)
        tick_h, title_h = font_line_height(tick_font), font_line_height(title_font)
        top = area.top() + tick_h / 2
        bottom = area.bottom() - 4 - tick_h - (title_h + 2 if x_title else 0)
        axes = [(left.largest, left.min_step)]
        if right is not None:
            axes.append((right.largest, right.min_step))
        scales = shared_scales(axes, bottom - top)
        self.scale = scales[0]
        self.scale2 = scales[1] if right is not None else None

        def ticks_width(scale: Scale) -> float:
            return max(text_width(tick_font, scale.label(v, self.lang)) for v in scale.ticks)

        left_w = title_h + 4 + ticks_width(self.scale) + 6
        right_w = title_h + 4 + ticks_width(self.scale2) + 6 if self.scale2 else 12.0
        self.plot = QRectF(area.left() + left_w, top, area.width() - left_w - right_w, bottom - top)
        self.slot = self.plot.width() / max(1, n)
        plot = self.plot

        # Gridlines (shared by both axes) and tick labels.
        p.setPen(QPen(QColor(PALETTE.grid), 0.7))
        for v in self.scale.ticks[1:]:
            p.drawLine(QPointF(plot.left(), self.y(v)), QPointF(plot.right(), self.y(v)))
        right_align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for v in self.scale.ticks:
            rect = QRectF(plot.left() - 106, self.y(v) - tick_h / 2, 100, tick_h)
            draw_text(
                p, rect, self.scale.label(v, self.lang), tick_font, PALETTE.muted, right_align
            )
        _vertical_title(p, area.left(), plot.top(), plot.bottom(), left.title)
        if self.scale2 is not None and right is not None:
            for v in self.scale2.ticks:
                rect = QRectF(plot.right() + 6, self.y2(v) - tick_h / 2, 100, tick_h)
                draw_text(p, rect, self.scale2.label(v, self.lang), tick_font, PALETTE.muted)
            _vertical_title(p, area.right() - title_h, plot.top(), plot.bottom(), right.title)

        # Category labels, each centred under its slot (never wider than the room it has).
        picked = labels(self.slot)
        room = self.slot * (picked[1][0] - picked[0][0]) if len(picked) > 1 else plot.width()
        p.setPen(QPen(QColor(PALETTE.axis), 0.8))
        for i, _text in picked:
            x = self.x(i)
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
        for i, text in picked:
            x = self.x(i)
            width = max(room, text_width(tick_font, text) + 2)
            rect = QRectF(x - width / 2, plot.bottom() + 4, width, tick_h)
            rect.moveLeft(min(max(rect.left(), area.left()), area.right() - rect.width()))
            draw_text(p, rect, text, tick_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        if x_title:
            rect = QRectF(plot.left(), area.bottom() - title_h, plot.width(), title_h)
            draw_text(p, rect, x_title, title_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)

    def x(self, i: float) -> float:
        """The centre of category `i`."""
        return self.plot.left() + (i + 0.5) * self.slot

    def y(self, value: float) -> float:
        return self.plot.bottom() - value / self.scale.top * self.plot.height()

    def y2(self, value: float) -> float:
        assert self.scale2 is not None
        return self.plot.bottom() - value / self.scale2.top * self.plot.height()

    def bar(self, i: float, value: float, width: float, colour: str, offset: float = 0) -> None:
        if value <= 0:
            return
        x = self.x(i) + offset - width / 2
        p = self._p
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(colour)))
        p.drawRect(QRectF(x, self.y(value), width, self.plot.bottom() - self.y(value)))

    def steps(self, values: Sequence[int], colour: str) -> None:
        """Gapless bars as one filled outline (no seams between hundreds of thin bars)."""
        left, bottom = self.plot.left(), self.plot.bottom()
        path = QPainterPath(QPointF(left, bottom))
        for i, v in enumerate(values):
            path.lineTo(left + i * self.slot, self.y(v))
            path.lineTo(left + (i + 1) * self.slot, self.y(v))
        path.lineTo(self.plot.right(), bottom)
        path.closeSubpath()
        self._p.setPen(Qt.PenStyle.NoPen)
        self._p.setBrush(QBrush(QColor(colour)))
        self._p.drawPath(path)

    def baseline(self) -> None:
        p = self._p
        p.setPen(QPen(QColor(PALETTE.axis), 1.0))
        bottom = self.plot.bottom()
        p.drawLine(QPointF(self.plot.left(), bottom), QPointF(self.plot.right(), bottom))


class _BarPlot:
    """Categories down the left (names wrapped on two lines), values along x from 0."""

    def __init__(
        self,
        p: QPainter,
        area: QRectF,
        names: Sequence[str],
        axis: _Axis,
        value_width: float = 0,
        *,
        cap: float | None = None,
    ) -> None:
        """`value_width`: room the widest value written after its bar needs; `cap`: no
        ticks above it (a share's axis ends at 100 even where it runs on for the values)."""
        self._p = p
        self.n = len(names)
        self.lang = axis.lang
        name_font, tick_font, title_font = make_font(TEXT), make_font(TICK), make_font(TEXT)
        tick_h, title_h = font_line_height(tick_font), font_line_height(title_font)
        widest = max((text_width(name_font, n) for n in names), default=0.0)
        label_w = min(widest + 2, area.width() * 0.28)
        self.names = [wrap_text(n, name_font, label_w) for n in names]
        left = area.left() + label_w + 10
        bottom = area.bottom() - 4 - tick_h - 2 - title_h
        right = area.right() - 12
        self.plot = QRectF(left, area.top() + 2, right - left, bottom - area.top() - 2)
        # Stretch the axis so the longest bar leaves room for its value after it.
        room = max(self.plot.width() - value_width - 8, self.plot.width() * 0.5)
        largest = axis.largest * self.plot.width() / room
        (self.scale,) = shared_scales([(largest, axis.min_step)], self.plot.width(), 64)
        self.band = self.plot.height() / max(1, self.n)
        plot = self.plot

        ticks = [v for v in self.scale.ticks if cap is None or v <= cap]
        p.setPen(QPen(QColor(PALETTE.grid), 0.7))
        for v in ticks[1:]:
            p.drawLine(QPointF(self.x(v), plot.top()), QPointF(self.x(v), plot.bottom()))
        for v in ticks:
            rect = QRectF(self.x(v) - 40, plot.bottom() + 4, 80, tick_h)
            text = self.scale.label(v, self.lang)
            draw_text(p, rect, text, tick_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        right_end = self.x(cap) if cap is not None else plot.right()
        rect = QRectF(plot.left(), area.bottom() - title_h, right_end - plot.left(), title_h)
        draw_text(p, rect, axis.title, title_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        line_h = font_line_height(name_font)
        for i, lines in enumerate(self.names):
            y = self.mid(i) - line_h * len(lines) / 2
            for line in lines:
                rect = QRectF(area.left(), y, label_w, line_h)
                align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                draw_text(p, rect, line, name_font, PALETTE.text, align)
                y += line_h

    def axis_line(self) -> None:
        """The value axis' zero line (drawn last, over the bars' edges)."""
        self._p.setPen(QPen(QColor(PALETTE.axis), 1.0))
        plot = self.plot
        self._p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))

    def x(self, value: float) -> float:
        return self.plot.left() + value / self.scale.top * self.plot.width()

    def mid(self, i: int) -> float:
        """The middle of row `i` (rows top-down, in the order given)."""
        return self.plot.top() + (i + 0.5) * self.band


def _bar_value(p: QPainter, plot: _BarPlot, bar: QRectF, text: str, *, bold: bool = False) -> None:
    """A value after the end of a horizontal bar; inside it when it would leave the plot."""
    font = make_font(TICK, bold=bold)
    w = text_width(font, text) + 4
    h = font_line_height(font)
    y = bar.center().y() - h / 2
    if bar.right() + 3 + w <= plot.plot.right() + 10:
        rect = QRectF(bar.right() + 3, y, w, h)
        draw_text(p, rect, text, font, PALETTE.text)
    elif bar.width() >= w + 4:
        rect = QRectF(bar.right() - w - 2, y, w, h)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        draw_text(p, rect, text, font, "white", align)


# ------------------------------------------------------------------------------ charts


ChartFn = Callable[..., None]


def _chart_top(
    p: QPainter,
    area: QRectF,
    title: str,
    report: Report,
    lang: str,
    keys: Sequence[_Key],
    rows: Sequence[Any],
    *,
    subtitle: bool,
    compact: bool = False,
) -> QRectF | None:
    """Draw the header; the rectangle left for the plot, or None when there are no `rows`
    (the legend is left out and a "no data" box drawn in its place)."""
    top = _header(
        p,
        area,
        title,
        report_subtitle(report, lang) if subtitle else None,
        keys if rows else [],
        compact=compact,
    )
    rect = QRectF(area.left(), top + 4, area.width(), area.bottom() - top - 4)
    if not rows:
        _no_data(p, rect, lang)
        return None
    return rect


def _target_key(report: Report, lang: str) -> _Key:
    """The legend entry of the dashed wait-target line."""
    minutes = report.target_minutes
    return _Key(
        T.TARGET.get(lang, minutes=plain(minutes, lang)),
        PALETTE.target,
        "dashed",
    )


def chart_hours(
    p: QPainter,
    area: QRectF,
    report: Report,
    lang: str = "vi",
    *,
    subtitle: bool = True,
    compact: bool = False,
) -> None:
    """Citizens issued per hour (bars) and wait p50/p90 (lines) against the target."""
    keys = [
        _Key(T.CITIZENS.get(lang), PALETTE.bars_light),
        _Key(T.MEDIAN_WAIT_P50.get(lang), PALETTE.p50, "line", "circle"),
        _Key(T.WAIT_P90.get(lang), PALETTE.p90, "line", "square"),
        _target_key(report, lang),
    ]
    title = T.CHART_HOURS.get(lang)
    rect = _chart_top(
        p, area, title, report, lang, keys, report.hours, subtitle=subtitle, compact=compact
    )
    if rect is None:
        return
    by_hour = {int(h.key): h for h in report.hours}
    first, last = min(by_hour), max(by_hour)
    hours = [by_hour.get(h) for h in range(first, last + 1)]  # an hour without tickets: a gap
    p50 = in_minutes([h.wait_p50 if h else None for h in hours])
    p90 = in_minutes([h.wait_p90 if h else None for h in hours])
    waits = [v for v in p50 + p90 if v is not None]
    plot = _ColumnPlot(
        p,
        rect,
        len(hours),
        _every_nth([f"{h:02d}h" for h in range(first, last + 1)]),
        _Axis(T.CITIZENS.get(lang), max(h.tickets for h in report.hours), lang=lang),
        _Axis(
            T.WAIT_MINUTES.get(lang),
            max([*waits, report.target_minutes]) * 1.05,
            0.5,
        ),
        None if compact else T.HOUR_OF_ISSUE.get(lang),
    )
    for i, h in enumerate(hours):
        if h is not None:
            plot.bar(i, h.tickets, min(plot.slot * 0.7, 60), PALETTE.bars_light)
    plot.baseline()
    p.setPen(_dashed_pen(PALETTE.target))
    y = plot.y2(report.target_minutes)
    p.drawLine(QPointF(plot.plot.left(), y), QPointF(plot.plot.right(), y))
    for values, colour, marker in ((p50, PALETTE.p50, "circle"), (p90, PALETTE.p90, "square")):
        points = [
            None if v is None else QPointF(plot.x(i), plot.y2(v)) for i, v in enumerate(values)
        ]
        _polyline(p, points, colour, marker=marker)


def chart_fields(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Wait p50 and p90 per field (horizontal bars) against the target."""
    keys = [
        _Key(T.MEDIAN_WAIT_P50.get(lang), PALETTE.p50),
        _Key(T.WAIT_P90.get(lang), PALETTE.p90),
        _target_key(report, lang),
    ]
    title = T.WAITS_BY_FIELD.get(lang)
    rows = report.fields
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    p50 = in_minutes([r.wait_p50 for r in rows])
    p90 = in_minutes([r.wait_p90 for r in rows])
    largest = max([v for v in p50 + p90 if v is not None] + [report.target_minutes])
    plot = _BarPlot(
        p,
        rect,
        [r.name(lang) for r in rows],
        _Axis(T.WAIT_MINUTES.get(lang), largest, 0.5, lang=lang),
        text_width(make_font(TICK), number(largest, lang, 1)) + 8,
    )
    thick = min(plot.band * 0.36, 16)
    for i in range(len(rows)):
        mid = plot.mid(i)
        for value, colour, top in (
            (p50[i], PALETTE.p50, mid - thick - 1),
            (p90[i], PALETTE.p90, mid + 1),
        ):
            if value is None:
                rect_ = QRectF(plot.plot.left() + 3, top, 40, thick)
                draw_text(p, rect_, "–", make_font(TICK), PALETTE.muted)
                continue
            bar = QRectF(plot.plot.left(), top, plot.x(value) - plot.plot.left(), thick)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor(colour)))
            p.drawRect(bar)
            _bar_value(p, plot, bar, number(value, lang, 1))
    p.setPen(_dashed_pen(PALETTE.target))
    x = plot.x(report.target_minutes)
    p.drawLine(QPointF(x, plot.plot.top()), QPointF(x, plot.plot.bottom()))
    plot.axis_line()


def chart_days(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Citizens and dossiers per day, with the day's wait p90."""
    keys = [
        _Key(T.CITIZENS.get(lang), PALETTE.bars),
        _Key(T.DOSSIERS.get(lang), PALETTE.bars_light),
        _Key(T.WAIT_P90.get(lang), PALETTE.p90, "line", "square"),
    ]
    title = T.CHART_DAYS.get(lang)
    days = report.days
    rect = _chart_top(p, area, title, report, lang, keys, days, subtitle=subtitle)
    if rect is None:
        return
    p90 = in_minutes([d.wait_p90 for d in days])
    plot = _ColumnPlot(
        p,
        rect,
        len(days),
        _day_labels(days),
        _Axis(T.COUNT.get(lang), max(max(d.tickets, d.dossiers) for d in days), lang=lang),
        _Axis(
            T.WAIT_P90_MINUTES.get(lang),
            max([v for v in p90 if v is not None], default=0) * 1.05,
            0.5,
        ),
    )
    slot = plot.slot
    if len(days) <= 40:  # side by side
        for i, d in enumerate(days):
            width = min(slot * 0.38, 40)
            plot.bar(i, d.tickets, width, PALETTE.bars, -width / 2)
            plot.bar(i, d.dossiers, width, PALETTE.bars_light, width / 2)
    else:  # bars too thin to part: one step each, citizens in front of dossiers
        plot.steps([d.dossiers for d in days], PALETTE.bars_light)
        plot.steps([d.tickets for d in days], PALETTE.bars)
    plot.baseline()
    points = [None if v is None else QPointF(plot.x(i), plot.y2(v)) for i, v in enumerate(p90)]
    _polyline(
        p, points, PALETTE.p90, marker="square", markers=slot >= 9, width=1.6 if slot >= 4 else 1.1
    )


def chart_counts_and_minutes(
    p: QPainter,
    area: QRectF,
    title: str,
    subtitle: str | None,
    labels: Sequence[str],
    counts: Sequence[int],
    minutes: Sequence[float | None],
    lang: str,
    *,
    counts_name: str,
    minutes_name: str,
) -> None:
    """Counts per period as bars (left axis) and a wait in minutes as a line (right axis),
    e.g. the city's citizens and median wait per month; a missing wait is a gap."""
    keys = [
        _Key(counts_name, PALETTE.bars_light),
        _Key(minutes_name, PALETTE.p50, "line", "circle"),
    ]
    top = _header(p, area, title, subtitle, keys if counts else [])
    rect = QRectF(area.left(), top + 4, area.width(), area.bottom() - top - 4)
    if not counts:
        _no_data(p, rect, lang)
        return
    shown = [v for v in minutes if v is not None]
    plot = _ColumnPlot(
        p,
        rect,
        len(counts),
        _every_nth(labels),
        _Axis(counts_name, max(max(counts), 1), lang=lang),
        _Axis(T.WAIT_MINUTES.get(lang), max(shown, default=1.0) * 1.05, 0.5),
    )
    for i, n in enumerate(counts):
        plot.bar(i, n, min(plot.slot * 0.7, 60), PALETTE.bars_light)
    plot.baseline()
    points = [None if v is None else QPointF(plot.x(i), plot.y2(v)) for i, v in enumerate(minutes)]
    _polyline(p, points, PALETTE.p50, marker="circle", markers=plot.slot >= 9)


def _day_labels(days: Sequence[GroupStats]) -> Labels:
    """dd/mm every n-th day; for long ranges, the months (mm/yyyy) where each one starts."""
    dates = [date.fromisoformat(d.key) for d in days]
    if len(days) == 1:
        return _every_nth([days[0].label])
    years = {d.year for d in dates}
    if len(days) <= 62:
        return _every_nth([f"{d:%d/%m}" if len(years) == 1 else f"{d:%d/%m/%y}" for d in dates])

    def months(slot: float) -> list[tuple[int, str]]:
        font = make_font(TICK)
        starts = [i for i, d in enumerate(dates) if i == 0 or d.month != dates[i - 1].month]
        picked: list[tuple[int, str]] = []
        last_right = -math.inf
        for i in starts:
            text = f"{dates[i]:%m/%Y}"
            w = text_width(font, text) + 10
            if i * slot - w / 2 >= last_right:
                picked.append((i, text))
                last_right = i * slot + w / 2
        return picked

    return months


def chart_counters(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Citizens served per counter and their median service time."""
    keys = [
        _Key(T.SERVED.get(lang), PALETTE.bars),
        _Key(
            T.MEDIAN_SERVICE_P50.get(lang),
            PALETTE.p90,
            "marker",
            "diamond",
        ),
    ]
    title = T.CHART_COUNTERS.get(lang)
    rows = report.counters
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    service = in_minutes([r.service_p50 for r in rows])
    plot = _ColumnPlot(
        p,
        rect,
        len(rows),
        _every_nth([r.key for r in rows]),
        _Axis(T.SERVED.get(lang), max(r.served for r in rows), lang=lang),
        _Axis(
            T.SERVICE_P50_MINUTES.get(lang),
            max([v for v in service if v is not None], default=0) * 1.05,
            0.5,
        ),
        T.COUNTER.get(lang),
    )
    for i, r in enumerate(rows):
        plot.bar(i, r.served, min(plot.slot * 0.6, 60), PALETTE.bars)
    plot.baseline()
    for i, v in enumerate(service):
        if v is not None:
            _marker(p, plot.x(i), plot.y2(v), "diamond", PALETTE.p90, 10)


def chart_outcomes(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Served, no-shows and expired tickets per field (stacked)."""
    keys = [
        _Key(T.SERVED.get(lang), PALETTE.bars),
        _Key(T.NO_SHOW.get(lang), PALETTE.no_show),
        _Key(T.EXPIRED_OR_OPEN.get(lang), PALETTE.expired),
    ]
    title = T.CHART_OUTCOMES.get(lang)
    rows = report.fields
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    parts = [(r.served, r.no_shows, r.expired + r.open) for r in rows]
    plot = _BarPlot(
        p,
        rect,
        [r.name(lang) for r in rows],
        _Axis(T.CITIZENS.get(lang), max(sum(v) for v in parts), lang=lang),
        text_width(make_font(TICK, bold=True), number(max(sum(v) for v in parts), lang)) + 8,
    )
    thick = min(plot.band * 0.6, 24)
    colours = (PALETTE.bars, PALETTE.no_show, PALETTE.expired)
    inks = ("white", PALETTE.text, PALETTE.text)
    for i, values in enumerate(parts):
        segments = [
            (v, number(v, lang), c, ink) for v, c, ink in zip(values, colours, inks, strict=True)
        ]
        _stacked_bar(p, plot, i, thick, segments, number(sum(values), lang))
    plot.axis_line()


def _stacked_bar(
    p: QPainter,
    plot: _BarPlot,
    row: int,
    thick: float,
    segments: Sequence[tuple[float, str, str, str]],
    after: str,
) -> None:
    """Row `row`'s segments (length, label, colour, label's ink) end to end from zero, each
    labelled where its label fits, and `after` written after the whole bar."""
    font = make_font(TICK)
    top = plot.mid(row) - thick / 2
    left = 0.0
    for value, text, colour, ink in segments:
        if value <= 0:
            continue
        seg = QRectF(plot.x(left), top, plot.x(left + value) - plot.x(left), thick)
        p.setPen(QPen(QColor("white"), 0.8))
        p.setBrush(QBrush(QColor(colour)))
        p.drawRect(seg)
        if seg.width() >= text_width(font, text) + 8:
            draw_text(p, seg, text, font, ink, Qt.AlignmentFlag.AlignCenter)
        left += value
    whole = QRectF(plot.plot.left(), top, plot.x(left) - plot.plot.left(), thick)
    _bar_value(p, plot, whole, after, bold=True)


def satisfaction_chart_rows(report: Report) -> list[Satisfaction]:
    """The rows of the satisfaction chart: the range, then each field and counter rated."""
    if report.satisfaction is None or not report.satisfaction.rated:
        return []
    groups = (report.satisfaction_by.get(g, ()) for g in ("field", "counter", "officer"))
    return [report.satisfaction, *(s for rows in groups for s in rows if s.rated)]


def chart_satisfaction(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Each group's ratings by level as a bar of 100 % (best level on the left), with the
    share satisfied or better and the number of ratings after it."""
    rows = satisfaction_chart_rows(report)
    sat = report.satisfaction
    labels = () if sat is None else sat.labels if lang == "vi" else sat.labels_en
    keys = [_Key(label, colour) for label, colour in zip(labels, FACE_COLOURS, strict=True)]
    title = T.SATISFACTION_CHART.get(lang)
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    after = [
        T.SATISFIED_AFTER_BAR.get(
            lang, share=share(s.satisfied_share, lang), n=number(s.rated, lang)
        )
        for s in rows
    ]
    value_font = make_font(TICK, bold=True)
    plot = _BarPlot(
        p,
        rect,
        [s.name(lang) for s in rows],
        _Axis(T.RATINGS_SHARE_AXIS.get(lang), 100, 10, lang=lang),
        max(text_width(value_font, a) for a in after) + 8,
        cap=100,
    )
    thick = min(plot.band * 0.6, 24)
    inks = ("white", PALETTE.text, PALETTE.text, "white")
    for i, s in enumerate(rows):
        counts = [s.levels[level.value] for level in RatingLevel]
        segments = [
            (100 * n / s.rated, number(n, lang), colour, ink)
            for n, colour, ink in zip(counts, FACE_COLOURS, inks, strict=True)
        ]
        _stacked_bar(p, plot, i, thick, segments, after[i])
        if i == 0 and len(rows) > 1:  # the range's own bar stands apart from its groups
            y = plot.plot.top() + plot.band
            p.setPen(QPen(QColor(PALETTE.axis), 0.8))
            p.drawLine(QPointF(area.left(), y), QPointF(plot.x(100), y))
    plot.axis_line()


#: PNG file name → chart drawing function.
CHARTS: dict[str, ChartFn] = {
    "waits-by-hour.png": chart_hours,
    "waits-by-field.png": chart_fields,
    "days.png": chart_days,
    "counters.png": chart_counters,
    "outcomes-by-field.png": chart_outcomes,
}


#: Charts drawn only when the range has ratings.
RATING_CHARTS: dict[str, ChartFn] = {"satisfaction.png": chart_satisfaction}


def report_charts(report: Report) -> dict[str, ChartFn]:
    """The charts of a report: `CHARTS`, and `RATING_CHARTS` when citizens rated."""
    if satisfaction_chart_rows(report):
        return {**CHARTS, **RATING_CHARTS}
    return dict(CHARTS)


def chart_size(name: str, report: Report) -> QSizeF:
    """The size of a chart PNG in points: charts per field grow with the number of fields."""
    if name in ("waits-by-field.png", "outcomes-by-field.png"):
        return QSizeF(CHART_SIZE.width(), max(300.0, 130 + 40 * len(report.fields)))
    if name in RATING_CHARTS:
        rows = len(satisfaction_chart_rows(report))
        return QSizeF(CHART_SIZE.width(), max(300.0, 130 + 34 * rows))
    return QSizeF(CHART_SIZE)


def render_chart(report: Report, name: str, lang: str = "vi", dpi: int = CHART_DPI) -> QImage:
    """One chart as an image (its size from `chart_size`, at `dpi`)."""
    size = chart_size(name, report)
    area = QRectF(QPointF(0, 0), size).marginsRemoved(QMarginsF(16, 12, 16, 12))
    draw = {**CHARTS, **RATING_CHARTS}[name]
    return paint_image(size, dpi, lambda p: draw(p, area, report, lang))


def write_charts(report: Report, folder: Path, lang: str = "vi", *, prefix: str = "") -> list[Path]:
    """Every chart of the report as a PNG in `folder` (file names after `prefix`)."""
    written = chart_paths(report, folder, prefix)
    for name, path in zip(report_charts(report), written, strict=True):
        save_png(render_chart(report, name, lang), path)
    return written


def chart_paths(report: Report, folder: Path, prefix: str = "") -> list[Path]:
    """Where `write_charts` puts each chart of the report, in `report_charts` order."""
    return [folder / f"{prefix}{name}" for name in report_charts(report)]


def chart_png_bytes(report: Report, name: str, lang: str = "vi", dpi: int = 90) -> bytes:
    """One chart as PNG bytes (the manager window shows these; safe in a worker thread)."""
    image = render_chart(report, name, lang, dpi)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stub types `format` as bytes, but the real call refuses bytes and wants str
    # (tests/gui/test_gui_support.py::test_qimage_save_wants_a_str_format_despite_its_stub).
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    buffer.close()
    return bytes(data.data())
