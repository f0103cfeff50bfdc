"""Painting shared by the report charts and the PDF: Qt and the Noto Sans fonts, the palette,
page and chart sizes, text wrapping and drawing, 1-2-5 scales, and images/PNG output.

Qt needs a QGuiApplication for fonts. `ensure_app()` creates an offscreen one when there is
none (the CLI, possibly without a display) and never touches an existing one (the manager
window, pytest-qt). QImage, QPainter and QPdfWriter work in any thread.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPdfWriter,
)

from kiosk.core.assets import assets_dir
from kiosk.core.files import write_atomic_with
from kiosk.core.wording import MISSING, number
from kiosk.reports.report import Report

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


def ensure_app() -> None:
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
            ensure_app()
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


def make_font(size: int, *, bold: bool = False) -> QFont:
    """The report font, `size` points high (a pixel size in the point-based layout)."""
    font = QFont(font_family())
    font.setPixelSize(size)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def text_width(font: QFont, text: str) -> float:
    return QFontMetricsF(font).horizontalAdvance(text)


def font_line_height(font: QFont) -> float:
    return QFontMetricsF(font).height()


# ------------------------------------------------------------------------------ text


def in_minutes(values: Sequence[int | None]) -> list[float | None]:
    return [None if v is None else v / 60 for v in values]


def report_subtitle(report: Report, lang: str) -> str:
    site = report.site_name if lang == "vi" else report.site_name_en
    return f"{site} · {report.filter.describe(lang)}"


def cell_text(value: Any, lang: str = "en") -> str:
    """A table cell: minutes with one decimal, counts with thousands grouped, "–" for none."""
    if value is None:
        return MISSING
    if isinstance(value, float):
        return number(value, lang, 1)
    if isinstance(value, int):
        return number(value, lang)
    return str(value)


def wrap_text(text: str, font: QFont, width: float, max_lines: int = 2) -> list[str]:
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


def draw_text(
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


def draw_line_text(
    p: QPainter | None, x: float, y: float, width: float, text: str, font: QFont, colour: str
) -> float:
    """One line of text from (x, y) down, elided to `width`; returns the y below it.

    Without a painter it only measures.
    """
    metrics = QFontMetricsF(font)
    if p is not None:
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        draw_text(p, QRectF(x, y, width, metrics.height()), shown, font, colour)
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

    def label(self, value: float, lang: str = "en") -> str:
        decimals = 0 if self.step >= 1 else max(0, -math.floor(math.log10(self.step) + 1e-9))
        return number(value, lang, decimals)


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


# ------------------------------------------------------------------------------ output


def painter_on(device: QImage | QPdfWriter) -> QPainter:
    p = QPainter()
    if not p.begin(device):
        raise OSError("cannot paint on the output")
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return p


def paint_image(size: QSizeF, dpi: int, paint: Callable[[QPainter], None]) -> QImage:
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
    p = painter_on(image)
    try:
        p.scale(scale, scale)
        paint(p)
    finally:
        p.end()
    return image


def save_png(image: QImage, path: Path) -> None:
    def write(tmp: Path) -> None:
        # PySide6's stub types `format` as bytes, but the real call refuses bytes and wants str
        # (tests/gui/test_gui_support.py::test_qimage_save_wants_a_str_format_despite_its_stub).
        if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]
            raise OSError(f"cannot write {tmp}")

    write_atomic_with(path, write)
