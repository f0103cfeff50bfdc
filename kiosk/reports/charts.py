"""Report charts (PNG) and the PDF report, drawn with QtGui only.

Everything is painted with QPainter: on a QImage for PNGs, on a QPdfWriter for the PDF (A4
landscape, real text in the embedded Noto Sans, so Vietnamese diacritics stay selectable and
searchable). No matplotlib, numpy, QtCharts, QtPdf or QtPrintSupport: the bundle stays small.

Layout is in points (1/72 inch) everywhere. The PDF is written at 72 dpi so one device unit
is one point; a PNG scales its painter by dpi/72. Fonts are sized in whole points (pixel sizes
of that logical space), so text measures the same on paper and on screen and the layout never
depends on the output.

Charts: citizens per hour with the wait p50/p90 against the target, waits per field, citizens
and dossiers per day, citizens served per counter, outcomes per field. Axes use 1-2-5 steps,
the left and right axes of a chart share their gridlines, missing values (None) are gaps, never
zeros. The PDF adds a summary page (key figures, the table per field, the hourly chart when it
fits) and tables per day, counter and hour that continue over as many pages as they need.
Labels are Vietnamese by default, English with lang="en". Colours are the navy of the screens;
series also differ by lightness, marker shape and line style, so a grey-scale print reads.

Qt needs a QGuiApplication for fonts. `_ensure_app()` creates an offscreen one when there is
none (the CLI, possibly without a display) and never touches an existing one (the manager
window, pytest-qt). QImage, QPainter and QPdfWriter work in any thread, so the manager window
renders charts in a worker thread.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
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
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from kiosk.core.assets import assets_dir
from kiosk.core.files import write_atomic_with
from kiosk.core.texts import Text
from kiosk.reports.report import STATS_HEADINGS, GroupStats, Report, hour_label, stats_rows

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FALLBACK_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class Palette:
    """Colours for paper and screen: the navy of the screens, readable in grey-scale print.

    Series that share a chart differ in lightness too (navy, light blue, yellow), and lines
    also by marker shape (p50 circles, p90 squares) and style (target dashed).
    """

    bars: str = "#13315C"
    bars_light: str = "#9DB4D3"
    p50: str = "#1F7A4A"
    p90: str = "#E07B1A"
    target: str = "#C62828"
    no_show: str = "#F2C14E"
    expired: str = "#E0605A"
    grid: str = "#D5DCE6"
    axis: str = "#8A97A8"
    text: str = "#1B1B1B"
    muted: str = "#5B6B80"
    header: str = "#0B2545"
    stripe: str = "#F1F4F8"


PALETTE = Palette()

#: An A4 landscape page in points.
PAGE = QSizeF(842, 595)
MARGIN = 36.0
#: The size of a chart PNG in points (10 × 5.2 in); charts per field grow with the fields.
CHART_SIZE = QSizeF(720, 374)
CHART_DPI = 110

# Font sizes in points.
TITLE, HEADING, TEXT, TICK, SMALL = 14, 13, 9, 9, 8

_app: QGuiApplication | None = None
_family: str | None = None
_lock = threading.RLock()


# ------------------------------------------------------------------------------ Qt and fonts


def _ensure_app() -> None:
    """Make sure a Qt GUI application exists (fonts need one); never replace an existing one.

    Without one (the CLI), an offscreen application is created in the main thread, so no
    display is needed. When the process has loaded QtWidgets (pytest-qt, a window to come),
    it is a QApplication, which serves widgets later as well.
    """
    global _app
    with _lock:
        existing = QGuiApplication.instance()
        if isinstance(existing, QGuiApplication):
            return
        if existing is not None:
            raise RuntimeError("charts need a QGuiApplication, but a QCoreApplication exists")
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("charts: create the Qt application in the main thread first")
        args = ["kiosk", "-platform", "offscreen"]
        widgets = sys.modules.get("PySide6.QtWidgets")
        _app = widgets.QApplication(args) if widgets is not None else QGuiApplication(args)


def font_family() -> str:
    """Register the shipped Noto Sans once; its family name (a system font without it)."""
    global _family
    with _lock:
        if _family is None:
            _ensure_app()
            _family = _register_fonts()
        return _family


def _register_fonts() -> str:
    folder = assets_dir() / "fonts"
    families: list[str] = []
    missing = []
    for name in FONT_FILES:
        path = folder / name
        font_id = QFontDatabase.addApplicationFont(str(path)) if path.is_file() else -1
        if font_id < 0:
            missing.append(name)
        else:
            families += QFontDatabase.applicationFontFamilies(font_id)
    if families:
        if missing:
            log.warning("%s not found in %s; charts use %s", missing, folder, families[0])
        return families[0]
    fallback = (
        FALLBACK_FAMILY
        if FALLBACK_FAMILY in QFontDatabase.families()
        else QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    )
    log.warning("Noto Sans not found in %s; charts use %s", folder, fallback)
    return fallback


def _font(size: int, *, bold: bool = False) -> QFont:
    """The report font, `size` points high (a pixel size in the point-based layout)."""
    font = QFont(font_family())
    font.setPixelSize(size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _width(font: QFont, text: str) -> float:
    return QFontMetricsF(font).horizontalAdvance(text)


def _line_height(font: QFont) -> float:
    return QFontMetricsF(font).height()


# ------------------------------------------------------------------------------ text


def _minutes(values: Sequence[int | None]) -> list[float | None]:
    return [None if v is None else v / 60 for v in values]


def _subtitle(report: Report, lang: str) -> str:
    site = report.site_name if lang == "vi" else report.site_name_en
    return f"{site} · {report.filter.describe(lang)}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _wrap(text: str, font: QFont, width: float, max_lines: int = 2) -> list[str]:
    """`text` in at most `max_lines` lines of `width`; the last line elided if needed.

    A dash stays at the end of its line ("Lao động –" / "Người có công").
    """
    metrics = QFontMetricsF(font)
    words: list[str] = []
    for word in text.split():
        if words and word in ("–", "-", "/", "·"):
            words[-1] += " " + word
        else:
            words.append(word)
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if not line or metrics.horizontalAdvance(trial) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    elide = Qt.TextElideMode.ElideRight
    return [metrics.elidedText(line, elide, width) for line in lines]


def _draw_text(
    p: QPainter,
    rect: QRectF,
    text: str,
    font: QFont,
    colour: str,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
) -> None:
    p.setFont(font)
    p.setPen(QColor(colour))
    p.drawText(rect, int(align), text)


def _draw_line_text(
    p: QPainter | None, x: float, y: float, width: float, text: str, font: QFont, colour: str
) -> float:
    """One line of text from (x, y) down, elided to `width`; returns the y below it.

    Without a painter it only measures.
    """
    metrics = QFontMetricsF(font)
    if p is not None:
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        _draw_text(p, QRectF(x, y, width, metrics.height()), shown, font, colour)
    return y + metrics.height()


# ------------------------------------------------------------------------------ scales


def nice_step(raw: float) -> float:
    """The smallest step of the 1-2-5 series (…, 0.5, 1, 2, 5, 10, 20, …) at least `raw`."""
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw * (1 - 1e-9):
            return m * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Scale:
    """An axis from 0 to `top` in `intervals` steps of `step`."""

    step: float
    intervals: int

    @property
    def top(self) -> float:
        return self.step * self.intervals

    @property
    def ticks(self) -> list[float]:
        return [i * self.step for i in range(self.intervals + 1)]

    def label(self, value: float) -> str:
        decimals = 0 if self.step >= 1 else max(0, -math.floor(math.log10(self.step) + 1e-9))
        return f"{value:.{decimals}f}"


def shared_scales(
    axes: Sequence[tuple[float, float]], length: float, spacing: float = 34
) -> list[Scale]:
    """Scales from 0 for each (largest value, smallest step), with one number of intervals.

    Axes drawn side by side then share their gridlines. The number of intervals is the one
    that wastes the least room above the data, with about one gridline per `spacing` points.
    """
    most = max(2, min(10, int(length // spacing)))
    best: tuple[float, list[Scale]] | None = None
    for intervals in range(2, most + 1):
        scales = []
        score = 0.02 * abs(intervals - min(most, 5))
        for largest, min_step in axes:
            step = max(min_step, nice_step(largest / intervals)) if largest > 0 else min_step
            scales.append(Scale(step, intervals))
            score += step * intervals / largest if largest > 0 else 1
        if best is None or score < best[0] - 1e-9:
            best = (score, scales)
    assert best is not None
    return best[1]


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
    h = _line_height(font)
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
    text_w = _width(font, key.label)
    _draw_text(p, QRectF(x + swatch + 5, y, text_w + 2, h), key.label, font, PALETTE.text)
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
    y = _draw_line_text(
        p, x, y, width, title, _font(11 if compact else TITLE, bold=True), PALETTE.header
    )
    if subtitle:
        y = _draw_line_text(p, x, y, width, subtitle, _font(TEXT), PALETTE.muted)
    if keys:
        font = _font(SMALL if compact else TEXT)
        y += 4
        row_x = x
        for key in keys:
            needed = 27 + _width(font, key.label)
            if row_x > x and row_x + needed > x + width:
                row_x = x
                y += _line_height(font) + 2
            row_x += _draw_key(p, row_x, y, key, font) + 16
        y += _line_height(font)
    return y + 6


def _no_data(p: QPainter, rect: QRectF, lang: str) -> None:
    p.setPen(QPen(QColor(PALETTE.grid), 1))
    p.setBrush(QBrush(QColor(PALETTE.stripe)))
    p.drawRoundedRect(rect, 6, 6)
    _draw_text(
        p,
        rect,
        Text("Không có dữ liệu trong khoảng này", "No data in this range").get(lang),
        _font(HEADING),
        PALETTE.muted,
        Qt.AlignmentFlag.AlignCenter,
    )


@dataclass(frozen=True)
class _Axis:
    title: str
    largest: float
    min_step: float = 1.0


def _vertical_title(p: QPainter, x: float, top: float, bottom: float, text: str) -> None:
    """An axis title written upwards, centred between `top` and `bottom`, left edge at `x`."""
    font = _font(TEXT)
    h = _line_height(font)
    length = bottom - top
    shown = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, length)
    p.save()
    p.translate(x, bottom)
    p.rotate(-90)
    _draw_text(p, QRectF(0, 0, length, h), shown, font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
    p.restore()


Labels = Callable[[float], list[tuple[int, str]]]


def _every_nth(texts: Sequence[str]) -> Labels:
    """Label every category, or every n-th when there is not room for all."""

    def pick(slot: float) -> list[tuple[int, str]]:
        font = _font(TICK)
        widest = max((_width(font, t) for t in texts), default=0.0)
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
        tick_font, title_font = _font(TICK), _font(TEXT)
        tick_h, title_h = _line_height(tick_font), _line_height(title_font)
        top = area.top() + tick_h / 2
        bottom = area.bottom() - 4 - tick_h - (title_h + 2 if x_title else 0)
        axes = [(left.largest, left.min_step)]
        if right is not None:
            axes.append((right.largest, right.min_step))
        scales = shared_scales(axes, bottom - top)
        self.scale = scales[0]
        self.scale2 = scales[1] if right is not None else None

        def ticks_width(scale: Scale) -> float:
            return max(_width(tick_font, scale.label(v)) for v in scale.ticks)

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
            _draw_text(p, rect, self.scale.label(v), tick_font, PALETTE.muted, right_align)
        _vertical_title(p, area.left(), plot.top(), plot.bottom(), left.title)
        if self.scale2 is not None and right is not None:
            for v in self.scale2.ticks:
                rect = QRectF(plot.right() + 6, self.y2(v) - tick_h / 2, 100, tick_h)
                _draw_text(p, rect, self.scale2.label(v), tick_font, PALETTE.muted)
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
            width = max(room, _width(tick_font, text) + 2)
            rect = QRectF(x - width / 2, plot.bottom() + 4, width, tick_h)
            rect.moveLeft(min(max(rect.left(), area.left()), area.right() - rect.width()))
            _draw_text(p, rect, text, tick_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        if x_title:
            rect = QRectF(plot.left(), area.bottom() - title_h, plot.width(), title_h)
            _draw_text(p, rect, x_title, title_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)

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
    ) -> None:
        """`value_width`: room the widest value written after its bar needs."""
        self._p = p
        self.n = len(names)
        name_font, tick_font, title_font = _font(TEXT), _font(TICK), _font(TEXT)
        tick_h, title_h = _line_height(tick_font), _line_height(title_font)
        widest = max((_width(name_font, n) for n in names), default=0.0)
        label_w = min(widest + 2, area.width() * 0.28)
        self.names = [_wrap(n, name_font, label_w) for n in names]
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

        p.setPen(QPen(QColor(PALETTE.grid), 0.7))
        for v in self.scale.ticks[1:]:
            p.drawLine(QPointF(self.x(v), plot.top()), QPointF(self.x(v), plot.bottom()))
        for v in self.scale.ticks:
            rect = QRectF(self.x(v) - 40, plot.bottom() + 4, 80, tick_h)
            text = self.scale.label(v)
            _draw_text(p, rect, text, tick_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        rect = QRectF(plot.left(), area.bottom() - title_h, plot.width(), title_h)
        _draw_text(p, rect, axis.title, title_font, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
        line_h = _line_height(name_font)
        for i, lines in enumerate(self.names):
            y = self.mid(i) - line_h * len(lines) / 2
            for line in lines:
                rect = QRectF(area.left(), y, label_w, line_h)
                align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                _draw_text(p, rect, line, name_font, PALETTE.text, align)
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
    font = _font(TICK, bold=bold)
    w = _width(font, text) + 4
    h = _line_height(font)
    y = bar.center().y() - h / 2
    if bar.right() + 3 + w <= plot.plot.right() + 10:
        rect = QRectF(bar.right() + 3, y, w, h)
        _draw_text(p, rect, text, font, PALETTE.text)
    elif bar.width() >= w + 4:
        rect = QRectF(bar.right() - w - 2, y, w, h)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        _draw_text(p, rect, text, font, "white", align)


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
        _subtitle(report, lang) if subtitle else None,
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
        Text(f"Mục tiêu {minutes:g} phút", f"Target {minutes:g} min").get(lang),
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
        _Key(Text("Lượt công dân", "Citizens").get(lang), PALETTE.bars_light),
        _Key(
            Text("Chờ trung vị (p50)", "Median wait (p50)").get(lang), PALETTE.p50, "line", "circle"
        ),
        _Key(Text("Chờ p90", "Wait p90").get(lang), PALETTE.p90, "line", "square"),
        _target_key(report, lang),
    ]
    title = Text("Lượt lấy số và thời gian chờ theo giờ", "Citizens and waits by hour of day").get(
        lang
    )
    rect = _chart_top(
        p, area, title, report, lang, keys, report.hours, subtitle=subtitle, compact=compact
    )
    if rect is None:
        return
    by_hour = {int(h.key): h for h in report.hours}
    first, last = min(by_hour), max(by_hour)
    hours = [by_hour.get(h) for h in range(first, last + 1)]  # an hour without tickets: a gap
    p50 = _minutes([h.wait_p50 if h else None for h in hours])
    p90 = _minutes([h.wait_p90 if h else None for h in hours])
    waits = [v for v in p50 + p90 if v is not None]
    plot = _ColumnPlot(
        p,
        rect,
        len(hours),
        _every_nth([f"{h:02d}h" for h in range(first, last + 1)]),
        _Axis(Text("Lượt công dân", "Citizens").get(lang), max(h.tickets for h in report.hours)),
        _Axis(
            Text("Thời gian chờ (phút)", "Wait (minutes)").get(lang),
            max([*waits, report.target_minutes]) * 1.05,
            0.5,
        ),
        None if compact else Text("Giờ lấy số", "Hour of issue").get(lang),
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
        _Key(Text("Chờ trung vị (p50)", "Median wait (p50)").get(lang), PALETTE.p50),
        _Key(Text("Chờ p90", "Wait p90").get(lang), PALETTE.p90),
        _target_key(report, lang),
    ]
    title = Text("Thời gian chờ theo lĩnh vực", "Waits by field").get(lang)
    rows = report.fields
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    p50 = _minutes([r.wait_p50 for r in rows])
    p90 = _minutes([r.wait_p90 for r in rows])
    largest = max([v for v in p50 + p90 if v is not None] + [report.target_minutes])
    plot = _BarPlot(
        p,
        rect,
        [r.name(lang) for r in rows],
        _Axis(Text("Thời gian chờ (phút)", "Wait (minutes)").get(lang), largest, 0.5),
        _width(_font(TICK), f"{largest:.1f}") + 8,
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
                _draw_text(p, rect_, "–", _font(TICK), PALETTE.muted)
                continue
            bar = QRectF(plot.plot.left(), top, plot.x(value) - plot.plot.left(), thick)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(QColor(colour)))
            p.drawRect(bar)
            _bar_value(p, plot, bar, f"{value:.1f}")
    p.setPen(_dashed_pen(PALETTE.target))
    x = plot.x(report.target_minutes)
    p.drawLine(QPointF(x, plot.plot.top()), QPointF(x, plot.plot.bottom()))
    plot.axis_line()


def chart_days(
    p: QPainter, area: QRectF, report: Report, lang: str = "vi", *, subtitle: bool = True
) -> None:
    """Citizens and dossiers per day, with the day's wait p90."""
    keys = [
        _Key(Text("Lượt công dân", "Citizens").get(lang), PALETTE.bars),
        _Key(Text("Hồ sơ", "Dossiers").get(lang), PALETTE.bars_light),
        _Key(Text("Chờ p90", "Wait p90").get(lang), PALETTE.p90, "line", "square"),
    ]
    title = Text("Lượt công dân và hồ sơ theo ngày", "Citizens and dossiers per day").get(lang)
    days = report.days
    rect = _chart_top(p, area, title, report, lang, keys, days, subtitle=subtitle)
    if rect is None:
        return
    p90 = _minutes([d.wait_p90 for d in days])
    plot = _ColumnPlot(
        p,
        rect,
        len(days),
        _day_labels(days),
        _Axis(Text("Số lượng", "Count").get(lang), max(max(d.tickets, d.dossiers) for d in days)),
        _Axis(
            Text("Chờ p90 (phút)", "Wait p90 (minutes)").get(lang),
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


def _day_labels(days: Sequence[GroupStats]) -> Labels:
    """dd/mm every n-th day; for long ranges, the months (mm/yyyy) where each one starts."""
    dates = [date.fromisoformat(d.key) for d in days]
    if len(days) == 1:
        return _every_nth([days[0].label])
    years = {d.year for d in dates}
    if len(days) <= 62:
        return _every_nth([f"{d:%d/%m}" if len(years) == 1 else f"{d:%d/%m/%y}" for d in dates])

    def months(slot: float) -> list[tuple[int, str]]:
        font = _font(TICK)
        starts = [i for i, d in enumerate(dates) if i == 0 or d.month != dates[i - 1].month]
        picked: list[tuple[int, str]] = []
        last_right = -math.inf
        for i in starts:
            text = f"{dates[i]:%m/%Y}"
            w = _width(font, text) + 10
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
        _Key(Text("Đã phục vụ", "Served").get(lang), PALETTE.bars),
        _Key(
            Text("Phục vụ trung vị (p50)", "Median service (p50)").get(lang),
            PALETTE.p90,
            "marker",
            "diamond",
        ),
    ]
    title = Text("Công dân được phục vụ theo quầy", "Citizens served per counter").get(lang)
    rows = report.counters
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    service = _minutes([r.service_p50 for r in rows])
    plot = _ColumnPlot(
        p,
        rect,
        len(rows),
        _every_nth([r.key for r in rows]),
        _Axis(Text("Đã phục vụ", "Served").get(lang), max(r.served for r in rows)),
        _Axis(
            Text("Phục vụ p50 (phút)", "Service p50 (minutes)").get(lang),
            max([v for v in service if v is not None], default=0) * 1.05,
            0.5,
        ),
        Text("Quầy", "Counter").get(lang),
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
        _Key(Text("Đã phục vụ", "Served").get(lang), PALETTE.bars),
        _Key(Text("Vắng mặt", "No-show").get(lang), PALETTE.no_show),
        _Key(Text("Hết hạn / chưa xong", "Expired / open").get(lang), PALETTE.expired),
    ]
    title = Text("Kết quả theo lĩnh vực", "Outcome by field").get(lang)
    rows = report.fields
    rect = _chart_top(p, area, title, report, lang, keys, rows, subtitle=subtitle)
    if rect is None:
        return
    parts = [(r.served, r.no_shows, r.expired + r.open) for r in rows]
    plot = _BarPlot(
        p,
        rect,
        [r.name(lang) for r in rows],
        _Axis(Text("Lượt công dân", "Citizens").get(lang), max(sum(v) for v in parts)),
        _width(_font(TICK, bold=True), str(max(sum(v) for v in parts))) + 8,
    )
    thick = min(plot.band * 0.6, 24)
    font = _font(TICK)
    colours = (PALETTE.bars, PALETTE.no_show, PALETTE.expired)
    inks = ("white", PALETTE.text, PALETTE.text)
    for i, values in enumerate(parts):
        top = plot.mid(i) - thick / 2
        left = 0
        for value, colour, ink in zip(values, colours, inks, strict=True):
            if value <= 0:
                continue
            seg = QRectF(plot.x(left), top, plot.x(left + value) - plot.x(left), thick)
            p.setPen(QPen(QColor("white"), 0.8))
            p.setBrush(QBrush(QColor(colour)))
            p.drawRect(seg)
            text = str(value)
            if seg.width() >= _width(font, text) + 8:
                _draw_text(p, seg, text, font, ink, Qt.AlignmentFlag.AlignCenter)
            left += value
        total = QRectF(plot.plot.left(), top, plot.x(left) - plot.plot.left(), thick)
        _bar_value(p, plot, total, str(left), bold=True)
    plot.axis_line()


#: PNG file name → chart drawing function.
CHARTS: dict[str, ChartFn] = {
    "waits-by-hour.png": chart_hours,
    "waits-by-field.png": chart_fields,
    "days.png": chart_days,
    "counters.png": chart_counters,
    "outcomes-by-field.png": chart_outcomes,
}


def chart_size(name: str, report: Report) -> QSizeF:
    """The size of a chart PNG in points: charts per field grow with the number of fields."""
    if name in ("waits-by-field.png", "outcomes-by-field.png"):
        return QSizeF(CHART_SIZE.width(), max(300.0, 130 + 40 * len(report.fields)))
    return QSizeF(CHART_SIZE)


# ------------------------------------------------------------------------------ tables


def _table_rows(rows: Sequence[GroupStats], lang: str) -> list[list[str]]:
    out = []
    for r, values in zip(rows, stats_rows(rows), strict=True):
        values[0] = r.name(lang)
        share = values.pop()
        out.append([_cell(v) for v in values] + [_share(share)])
    return out


def _table_header(lang: str, first: str) -> list[str]:
    titles = [vi if lang == "vi" else en for vi, en in STATS_HEADINGS]
    titles[0] = first
    return titles


PAD = 5.0


@dataclass(frozen=True)
class _Table:
    """A table laid out for a width: column widths, wrapped first column, row heights."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    names: list[list[str]]
    heights: list[float]
    header_height: float
    bold_last: bool

    @classmethod
    def layout(
        cls, header: list[str], rows: list[list[str]], width: float, *, bold_last: bool = False
    ) -> _Table:
        body, bold, head = _font(TEXT), _font(TEXT, bold=True), _font(SMALL, bold=True)
        natural = []
        for c, title in enumerate(header):
            cells = max((_width(bold, r[c]) for r in rows), default=0.0)
            titles = max(_width(head, line) for line in title.split("\n"))
            natural.append(max(cells, titles) + 2 * PAD)
        numbers = sum(natural[1:])
        first = min(natural[0], max(width - numbers, 90.0))
        first = max(first, min(width - numbers, 150.0))  # short labels still get some room
        extra = max(0.0, width - first - numbers) / (len(header) - 1)
        scale = min(1.0, (width - first) / numbers)
        widths = [first] + [w * scale + extra for w in natural[1:]]
        names = [_wrap(r[0], body, first - 2 * PAD) for r in rows]
        line = _line_height(body)
        heights = [len(n) * line + 5 for n in names]
        header_height = max(t.count("\n") + 1 for t in header) * _line_height(head) + 8
        return cls(header, rows, widths, names, heights, header_height, bold_last)

    def pages(self, first: float, rest: float) -> list[range]:
        """Row ranges that fit: `first` points on the first page, `rest` on the others."""
        chunks: list[range] = []
        start, used, room = 0, 0.0, first - self.header_height
        for i, h in enumerate(self.heights):
            if used + h > room and i > start:
                chunks.append(range(start, i))
                start, used, room = i, 0.0, rest - self.header_height
            used += h
        chunks.append(range(start, len(self.rows)))
        if self.bold_last and len(chunks) > 1 and len(chunks[-1]) == 1 and len(chunks[-2]) > 1:
            # The total never stands alone: the row above it moves over too.
            chunks[-2:] = [
                range(chunks[-2].start, chunks[-2].stop - 1),
                range(chunks[-2].stop - 1, len(self.rows)),
            ]
        return chunks

    def height(self, rows: range) -> float:
        return self.header_height + sum(self.heights[i] for i in rows)

    def draw(self, p: QPainter, x: float, y: float, rows: range) -> float:
        """Draw the header and `rows` from (x, y); returns the y below the table."""
        head, body, bold = _font(SMALL, bold=True), _font(TEXT), _font(TEXT, bold=True)
        total = sum(self.widths)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(PALETTE.header)))
        p.drawRect(QRectF(x, y, total, self.header_height))
        cx = x
        for c, (title, w) in enumerate(zip(self.header, self.widths, strict=True)):
            align = Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignHCenter
            )
            rect = QRectF(cx + PAD, y, w - 2 * PAD, self.header_height)
            _draw_text(p, rect, title, head, "white", align)
            cx += w
        y += self.header_height
        line = _line_height(body)
        for n, i in enumerate(rows):
            h = self.heights[i]
            last = self.bold_last and i == len(self.rows) - 1
            if n % 2 == 1 and not last:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QBrush(QColor(PALETTE.stripe)))
                p.drawRect(QRectF(x, y, total, h))
            p.setPen(QPen(QColor(PALETTE.header if last else PALETTE.grid), 1.0 if last else 0.5))
            p.drawLine(QPointF(x, y if last else y + h), QPointF(x + total, y if last else y + h))
            font = bold if last else body
            cx = x
            for c, (text, w) in enumerate(zip(self.rows[i], self.widths, strict=True)):
                if c == 0:
                    ty = y + (h - line * len(self.names[i])) / 2
                    for part in self.names[i]:
                        _draw_text(
                            p, QRectF(cx + PAD, ty, w - 2 * PAD, line), part, font, PALETTE.text
                        )
                        ty += line
                else:
                    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    _draw_text(
                        p, QRectF(cx + PAD, y, w - 2 * PAD, h), text, font, PALETTE.text, align
                    )
                cx += w
            y += h
        if not rows:
            rect = QRectF(x, y, total, 28)
            _draw_text(p, rect, "–", body, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
            y += 28
        return y


# ------------------------------------------------------------------------------ PDF pages


@dataclass(frozen=True)
class Page:
    """One page of the PDF: paints its content on a painter that measures in points."""

    title: str
    paint: Callable[[QPainter], None]


CONTENT = QRectF(MARGIN, MARGIN - 6, PAGE.width() - 2 * MARGIN, PAGE.height() - 2 * MARGIN - 12)


CARD_HEIGHT = 60.0


def _big_numbers(p: QPainter | None, y: float, report: Report, lang: str) -> float:
    """The key figures as a row of cards; returns the y below them (p=None: only measure)."""
    if p is None:
        return y + CARD_HEIGHT
    t = report.total
    figures = [
        (str(t.tickets), Text("lượt công dân", "citizens").get(lang)),
        (str(t.dossiers), Text("hồ sơ", "dossiers").get(lang)),
        (str(t.served), Text("đã phục vụ", "served").get(lang)),
        (f"{t.no_shows} / {t.expired}", Text("vắng mặt / hết hạn", "no-shows / expired").get(lang)),
        (
            _cell(None if t.wait_p50 is None else round(t.wait_p50 / 60, 1)),
            Text("phút chờ (trung vị)", "min wait (median)").get(lang),
        ),
        (
            _cell(None if t.wait_p90 is None else round(t.wait_p90 / 60, 1)),
            Text("phút chờ (p90)", "min wait (p90)").get(lang),
        ),
        (
            _share(t.over_target_share),
            Text(
                f"chờ quá {report.target_minutes:g} phút",
                f"waited over {report.target_minutes:g} min",
            ).get(lang),
        ),
    ]
    gap = 8.0
    width = (CONTENT.width() - gap * (len(figures) - 1)) / len(figures)
    height = CARD_HEIGHT
    x = CONTENT.left()
    for value, caption in figures:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(PALETTE.stripe)))
        p.drawRect(QRectF(x, y, width, height))
        p.setBrush(QBrush(QColor(PALETTE.header)))
        p.drawRect(QRectF(x, y, 3, height))
        big = _font(22, bold=True)
        while _width(big, value) > width - 16 and big.pixelSize() > 12:
            big.setPixelSize(big.pixelSize() - 1)
        _draw_text(p, QRectF(x + 10, y + 4, width - 14, 30), value, big, PALETTE.header)
        ty = y + 34
        for line in _wrap(caption, _font(SMALL), width - 14):
            ty = _draw_line_text(p, x + 10, ty, width - 14, line, _font(SMALL), PALETTE.muted)
        x += width + gap
    return y + height


def _summary_pages(report: Report, lang: str) -> list[Page]:
    """Page 1 (headline, key figures, the table per field, the hourly chart when it fits),
    and the rest of the field table on further pages if it is long."""
    title = Text("Báo cáo thời gian chờ", "Waiting time report").get(lang)
    heading = Text("Theo lĩnh vực", "Per field").get(lang)
    table = _Table.layout(
        _table_header(lang, Text("Lĩnh vực", "Field").get(lang)),
        _table_rows([*report.fields, report.total], lang),
        CONTENT.width(),
        bold_last=True,
    )
    t = report.total

    def head(p: QPainter | None) -> float:
        """Title, key figures, busiest hour, the table's heading; the y below them."""
        x, w = CONTENT.left(), CONTENT.width()
        y = _draw_line_text(p, x, CONTENT.top(), w, title, _font(22, bold=True), PALETTE.header)
        y = _draw_line_text(p, x, y, w, _subtitle(report, lang), _font(11), PALETTE.muted)
        y = _big_numbers(p, y + 14, report, lang) + 10
        busiest = (
            Text("Giờ đông nhất: ", "Busiest hour: ").get(lang) + hour_label(t.busiest_hour)
            if t.busiest_hour is not None
            else ""
        )
        _draw_line_text(p, x, y, w, busiest, _font(10), PALETTE.text)
        y = _draw_line_text(p, x, y + 20, w, heading, _font(HEADING, bold=True), PALETTE.header)
        return y + 4

    chunks = table.pages(CONTENT.bottom() - head(None), CONTENT.bottom() - _page_title(None, ""))

    def first(p: QPainter) -> None:
        x, w = CONTENT.left(), CONTENT.width()
        y = table.draw(p, x, head(p), chunks[0])
        room = QRectF(x, y + 22, w, CONTENT.bottom() - y - 22)
        if len(chunks) == 1 and report.hours and room.height() >= 150:
            chart_hours(p, room, report, lang, subtitle=False, compact=True)

    pages = [Page(title, first)]
    for n, rows in enumerate(chunks[1:], 2):

        def rest(p: QPainter, rows: range = rows, n: int = n) -> None:
            y = _page_title(p, f"{heading} ({n}/{len(chunks)})")
            table.draw(p, CONTENT.left(), y, rows)

        pages.append(Page(heading, rest))
    return pages


def _page_title(p: QPainter | None, text: str) -> float:
    font = _font(16, bold=True)
    x, w = CONTENT.left(), CONTENT.width()
    return _draw_line_text(p, x, CONTENT.top(), w, text, font, PALETTE.header) + 10


def _chart_pages(report: Report, lang: str) -> list[Page]:
    pages = []
    for name, draw in CHARTS.items():

        def paint(p: QPainter, draw: ChartFn = draw) -> None:
            draw(p, CONTENT, report, lang, subtitle=False)

        pages.append(Page(name, paint))
    return pages


def _table_pages(rows: Sequence[GroupStats], title: str, first: str, lang: str) -> list[Page]:
    """Pages of one table (day, counter or hour), as many as its rows need."""
    table = _Table.layout(_table_header(lang, first), _table_rows(rows, lang), CONTENT.width())
    room = CONTENT.bottom() - _page_title(None, "")
    chunks = table.pages(room, room)
    pages = []
    for n, chunk in enumerate(chunks, 1):
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""

        def paint(p: QPainter, chunk: range = chunk, heading: str = title + suffix) -> None:
            y = _page_title(p, heading)
            table.draw(p, CONTENT.left(), y, chunk)

        pages.append(Page(title + suffix, paint))
    return pages


def report_pages(report: Report, lang: str = "vi") -> list[Page]:
    """Every page of the PDF, in order."""
    tables = (
        (report.days, Text("Theo ngày", "Per day").get(lang), Text("Ngày", "Day").get(lang)),
        (
            report.counters,
            Text("Theo quầy", "Per counter").get(lang),
            Text("Quầy", "Counter").get(lang),
        ),
        (
            report.hours,
            Text("Theo giờ lấy số", "Per hour").get(lang),
            Text("Giờ", "Hour").get(lang),
        ),
    )
    pages = [*_summary_pages(report, lang), *_chart_pages(report, lang)]
    for rows, title, first in tables:
        pages += _table_pages(rows, title, first, lang)
    return pages


def _paint_page(
    p: QPainter, page: Page, report: Report, lang: str, number: int, total: int
) -> None:
    """A page's content with the footer: site and range on the left, page number right."""
    page.paint(p)
    y = PAGE.height() - MARGIN + 4
    p.setPen(QPen(QColor(PALETTE.grid), 0.8))
    p.drawLine(QPointF(MARGIN, y - 4), QPointF(PAGE.width() - MARGIN, y - 4))
    font = _font(SMALL)
    number_text = Text(f"Trang {number}/{total}", f"Page {number}/{total}").get(lang)
    number_w = _width(font, number_text) + 4
    width = PAGE.width() - 2 * MARGIN
    _draw_line_text(
        p, MARGIN, y, width - number_w - 20, _subtitle(report, lang), font, PALETTE.muted
    )
    rect = QRectF(PAGE.width() - MARGIN - number_w, y, number_w, _line_height(font))
    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    _draw_text(p, rect, number_text, font, PALETTE.muted, align)


# ------------------------------------------------------------------------------ output


def _painter(device: QImage | QPdfWriter) -> QPainter:
    p = QPainter()
    if not p.begin(device):
        raise OSError("cannot paint on the output")
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return p


def _image(size: QSizeF, dpi: int, paint: Callable[[QPainter], None]) -> QImage:
    """A white image of `size` points at `dpi`, painted in points."""
    font_family()
    scale = dpi / 72
    image = QImage(
        math.ceil(size.width() * scale),
        math.ceil(size.height() * scale),
        QImage.Format.Format_RGB32,
    )
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("white"))
    p = _painter(image)
    try:
        p.scale(scale, scale)
        paint(p)
    finally:
        p.end()
    return image


def render_chart(report: Report, name: str, lang: str = "vi", dpi: int = CHART_DPI) -> QImage:
    """One chart as an image (its size from `chart_size`, at `dpi`)."""
    size = chart_size(name, report)
    area = QRectF(QPointF(0, 0), size).marginsRemoved(QMarginsF(16, 12, 16, 12))
    return _image(size, dpi, lambda p: CHARTS[name](p, area, report, lang))


def _save_png(image: QImage, path: Path) -> None:
    def write(tmp: Path) -> None:
        # PySide6's stub types `format` as bytes, but the real call refuses bytes and wants str
        # (tests/gui/test_gui_support.py::test_qimage_save_wants_a_str_format_despite_its_stub).
        if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]
            raise OSError(f"cannot write {tmp}")

    write_atomic_with(path, write)


def write_pdf(report: Report, path: Path, lang: str = "vi") -> int:
    """The whole report as one A4 landscape PDF; returns the number of pages."""
    font_family()
    pages = report_pages(report, lang)

    def write(tmp: Path) -> None:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(Text("Báo cáo thời gian chờ", "Waiting time report").get(lang))
        writer.setCreator("kiosk")
        writer.setResolution(72)  # one device unit = one point
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(0, 0, 0, 0),
            )
        )
        p = _painter(writer)
        try:
            for number, page in enumerate(pages, 1):
                if number > 1:
                    writer.newPage()
                _paint_page(p, page, report, lang, number, len(pages))
        finally:
            p.end()

    write_atomic_with(path, write)
    return len(pages)


def write_charts(report: Report, folder: Path, lang: str = "vi", *, prefix: str = "") -> list[Path]:
    """Every chart as a PNG in `folder` (file names after `prefix`); returns the paths."""
    written = chart_paths(folder, prefix)
    for name, path in zip(CHARTS, written, strict=True):
        _save_png(render_chart(report, name, lang), path)
    return written


def chart_paths(folder: Path, prefix: str = "") -> list[Path]:
    """Where `write_charts` puts each chart, in `CHARTS` order."""
    return [folder / f"{prefix}{name}" for name in CHARTS]


def render_page(report: Report, number: int = 1, lang: str = "vi", dpi: int = 100) -> QImage:
    """Page `number` of the PDF as an image (for review and screenshots)."""
    font_family()
    pages = report_pages(report, lang)
    page = pages[number - 1]
    return _image(PAGE, dpi, lambda p: _paint_page(p, page, report, lang, number, len(pages)))


def render_summary_png(report: Report, path: Path, lang: str = "vi") -> None:
    """The first PDF page as a PNG (for review and screenshots)."""
    _save_png(render_page(report, 1, lang), path)


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
