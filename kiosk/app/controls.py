"""Building blocks of the kiosk screens: labels, large touch buttons, the ticket preview."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from kiosk.gui.controls import button_style
from kiosk.gui.theme import COLOURS, font


class TouchButton(QPushButton):
    """A plain text button at least one touch target high and wide."""

    def __init__(
        self,
        text: str,
        target_px: int,
        *,
        px: int = 34,
        bold: bool = True,
        background: str = COLOURS.surface_alt,
        colour: str = COLOURS.text,
        border: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.setFont(font(px, bold=bold))
        self.setMinimumSize(target_px, target_px)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(button_style(background, colour, border))


class CardButton(QPushButton):
    """A large button whose face is a layout of labels (field buttons, the priority bar)."""

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(target_px, target_px)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.minimumSize()


def to_qimage(image: Image.Image) -> QImage:
    """A Pillow image (a 1-bit ticket) as an 8-bit grey QImage that owns its pixels."""
    grey = image.convert("L")
    data = grey.tobytes()
    return QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8).copy()


class TicketPreview(QLabel):
    """The rendered ticket on white paper, scaled to fit without changing its shape."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self.source: Image.Image | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_ticket(self, image: Image.Image | None) -> None:
        self.source = image
        self._image = to_qimage(image) if image is not None else None
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            self.clear()
            self.setStyleSheet("background: transparent;")
            return
        pad = 14
        box = self.size() - QSize(2 * pad, 2 * pad)
        if box.width() <= 0 or box.height() <= 0:
            return
        scaled = self._image.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.setPixmap(QPixmap.fromImage(scaled))
        self.setStyleSheet("background: transparent;")


class BigNumber(QLabel):
    """A ticket number drawn as large as its own box allows, centred on its capitals.

    A plain label reserves the font's full line height (accents, descenders), which a
    number does not use; this one fits the cap height to the space the layout gives it.
    """

    def __init__(self, colour: str, min_height: int = 140, parent: QWidget | None = None):
        super().__init__(parent)
        self._colour = QColor(colour)
        self._min_height = min_height
        self._fitted: tuple[tuple[str, int, int], int] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(400, self._min_height)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self._min_height)

    def pixel_size(self) -> int:
        """The bold size at which the text fills the box (cap height ~ 85 % of it)."""
        text = self.text() or "A000"
        key = (text, self.width(), self.height())
        if self._fitted is not None and self._fitted[0] == key:
            return self._fitted[1]
        low, high = 20, 900
        while low < high:
            mid = (low + high + 1) // 2
            metrics = QFontMetrics(font(mid, bold=True))
            if (
                metrics.horizontalAdvance(text) <= self.width() * 0.92
                and metrics.capHeight() <= self.height() * 0.85
            ):
                low = mid
            else:
                high = mid - 1
        self._fitted = (key, low)
        return low

    def paintEvent(self, event: QPaintEvent) -> None:
        face = font(self.pixel_size(), bold=True)
        metrics = QFontMetrics(face)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(face)
        painter.setPen(self._colour)
        x = (self.width() - metrics.horizontalAdvance(self.text())) / 2
        y = (self.height() + metrics.capHeight()) / 2
        painter.drawText(QPointF(x, y), self.text())
        painter.end()
