"""Colours, fonts and sizes shared by every screen (change them here, not in widgets).

Contrast: white (#FFFFFF) and amber (#FFC20E) text on the navy background (#0B2545) give
15.6:1 and 10.2:1, above the 7:1 needed to read a number across a hall. Every text/background
pair a screen uses reaches 7:1 (the tests measure them on the painted pixels).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from kiosk.core.assets import assets_dir

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FALLBACK_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class Colours:
    background: str = "#0B2545"
    surface: str = "#13315C"
    surface_alt: str = "#1D4272"
    text: str = "#FFFFFF"
    muted: str = "#C9D6EA"
    accent: str = "#FFC20E"  # called numbers
    priority: str = "#FFB066"  # on surface 7.2:1; navy text on it 8.5:1
    ok: str = "#176038"  # button under white text (7.6:1), edged with ok_text
    danger: str = "#A81D1D"  # under white text (7.3:1)
    disabled: str = "#5B6B80"
    highlight: str = "#FFE082"
    alert: str = "#7F1D1D"  # banner background under white text (10:1)
    alert_text: str = "#FFB4AB"  # refusals on the dark background (9:1)
    ok_text: str = "#9BE7B0"  # confirmations on the dark background (10.6:1)


COLOURS = Colours()
_family: str | None = None


def font_family() -> str:
    """Register the shipped Noto Sans (full Vietnamese coverage) once; its family name."""
    global _family
    if _family is not None:
        return _family
    family = FALLBACK_FAMILY
    for name in FONT_FILES:
        path = assets_dir() / "fonts" / name
        if not path.exists():
            log.warning("font %s missing; using %s", path, FALLBACK_FAMILY)
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
    _family = family
    return family


def font(pixel_size: int, *, bold: bool = False) -> QFont:
    f = QFont(font_family())
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    return f


def apply_theme(app: QApplication) -> None:
    """Dark high-contrast palette and the Vietnamese font for the whole application."""
    app.setFont(font(18))
    pal = QPalette()
    c = COLOURS
    pal.setColor(QPalette.ColorRole.Window, QColor(c.background))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(c.text))
    pal.setColor(QPalette.ColorRole.Base, QColor(c.surface))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor(c.surface_alt))
    pal.setColor(QPalette.ColorRole.Text, QColor(c.text))
    pal.setColor(QPalette.ColorRole.Button, QColor(c.surface_alt))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(c.text))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(c.accent))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor(c.background))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor(c.surface))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor(c.text))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor(c.muted))
    app.setPalette(pal)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours."""

    def luminance(hex_colour: str) -> float:
        q = QColor(hex_colour)
        channels = []
        for v in (q.redF(), q.greenF(), q.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
