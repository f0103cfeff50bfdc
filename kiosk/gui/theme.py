"""Colours, fonts and sizes shared by every screen (change them here, not in widgets).

The palette itself lives in kiosk/core/colours.py (Qt-free, shared with the web pages).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from kiosk.core.assets import assets_dir
from kiosk.core.colours import COLOURS as COLOURS  # re-exported: screens take it from here

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FALLBACK_FAMILY = "DejaVu Sans"


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
