"""Four large faces to tap, from very satisfied (green, a wide smile) to dissatisfied (red)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.core.ratings import FACE_COLOURS, FACE_CURVES
from kiosk.gui.theme import COLOURS, font

#: A face's colour and its mouth's curve, best first (kiosk/core/ratings.py).
FACES = tuple(zip(FACE_COLOURS, FACE_CURVES, strict=True))
#: Smallest face, in millimetres: the issue asks for touch targets of at least 25 mm.
FACE_MM = 25.0


def face_px(logical_dpi: float) -> int:
    """Pixels of a 25 mm face at `logical_dpi` (never under 150 px)."""
    return max(150, math.ceil(FACE_MM / 25.4 * logical_dpi))


class FaceButton(QAbstractButton):
    """One level: a painted face with its label under it."""

    def __init__(self, index: int, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_side(side)

    def set_side(self, side: int) -> None:
        """The face's diameter; its label (two lines, Vietnamese then English) goes under."""
        self.side = side
        self.label_px = max(26, min(34, side // 8))
        self.setFixedSize(self.sizeHint())

    def label_height(self) -> int:
        return self.label_px * 4  # up to four lines: a long level wraps in both languages

    def sizeHint(self) -> QSize:
        return QSize(max(self.side, self.label_px * 7), self.side + self.label_height())

    def paintEvent(self, event: QPaintEvent) -> None:
        colour, curve = FACES[self.index]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height() - self.label_height())
        x = (self.width() - side) / 2
        box = QRectF(x + 4, 4, side - 8, side - 8)
        fill = QColor(colour)
        if self.isDown():
            fill = fill.darker(125)
        p.setPen(QPen(QColor(COLOURS.text), max(3, side // 40)))
        p.setBrush(fill)
        p.drawEllipse(box)
        ink = QPen(QColor("#1B1B1B"), max(4, side // 22))
        ink.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(ink)
        p.setBrush(QColor("#1B1B1B"))
        eye = side * 0.07
        for ex in (0.35, 0.65):
            p.drawEllipse(
                QPointF(box.left() + box.width() * ex, box.top() + box.height() * 0.38), eye, eye
            )
        p.setBrush(Qt.BrushStyle.NoBrush)
        mouth = QPainterPath()
        left = QPointF(box.left() + box.width() * 0.28, box.top() + box.height() * 0.66)
        right = QPointF(box.left() + box.width() * 0.72, left.y())
        mouth.moveTo(left)
        mouth.quadTo(QPointF(box.center().x(), left.y() + curve * box.height() * 0.22), right)
        p.drawPath(mouth)
        p.setPen(QColor(COLOURS.text))
        p.setFont(font(self.label_px, bold=True))
        text_box = QRectF(0, side + 4, self.width(), self.label_height() - 4)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        p.drawText(text_box, int(flags), self.text())
        p.end()
