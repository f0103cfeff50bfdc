"""Building blocks every screen shares: labels in the screens' font and button styles.

The kiosk (kiosk.app) and the rating screen (kiosk.rate) build on them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.gui.theme import COLOURS, font


def label(
    text: str = "",
    px: int = 32,
    *,
    bold: bool = False,
    colour: str = COLOURS.text,
    wrap: bool = True,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    parent: QWidget | None = None,
) -> QLabel:
    """A label in the kiosk font; mouse presses pass through to the button under it."""
    widget = QLabel(text, parent)
    widget.setFont(font(px, bold=bold))
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    paint(widget, colour)
    return widget


def paint(widget: QLabel, colour: str, background: str = "transparent") -> None:
    widget.setStyleSheet(f"color: {colour}; background: {background};")


def set_px(widget: QWidget, px: int, *, bold: bool | None = None) -> None:
    """Change a widget's pixel size (and weight), keeping the kiosk font."""
    current = widget.font()
    if current.pixelSize() != px or (bold is not None and current.bold() != bold):
        widget.setFont(font(px, bold=current.bold() if bold is None else bold))


def button_style(
    background: str,
    text: str = COLOURS.text,
    border: str | None = None,
    *,
    pressed: str = COLOURS.surface_alt,
    radius: int = 18,
    border_width: int = 3,
    border_style: str = "solid",
) -> str:
    edge = border or background
    return (
        f"QPushButton {{ background: {background}; color: {text}; "
        f"border: {border_width}px {border_style} {edge}; border-radius: {radius}px; "
        "padding: 8px 20px; }"
        f"QPushButton:pressed {{ background: {pressed}; border-color: {COLOURS.accent}; }}"
    )
