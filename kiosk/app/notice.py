"""Full-screen notices: a refused ticket (closed field, daily cap) and "temporarily unavailable"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.app import texts
from kiosk.app.controls import TouchButton
from kiosk.app.layout import TYPE
from kiosk.core.errors import KioskError
from kiosk.core.texts import Language
from kiosk.gui.controls import label
from kiosk.gui.theme import COLOURS


class RefusalScreen(QWidget):
    """Why no number was issued, in the citizen's words, with a way back."""

    dismissed = Signal()

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = Language.VI
        self.error: KioskError | None = None
        centre = Qt.AlignmentFlag.AlignCenter
        self.title = label(px=TYPE.notice_title, bold=True, colour=COLOURS.accent, align=centre)
        self.message = label(px=TYPE.notice_text, align=centre)
        self.back = TouchButton("", target_px, px=TYPE.result_info, background=COLOURS.surface_alt)
        self.back.setMinimumWidth(target_px * 3)
        self.back.clicked.connect(self.dismissed)
        box = QVBoxLayout(self)
        box.setContentsMargins(80, 40, 80, 60)
        box.setSpacing(28)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.message)
        box.addStretch(1)
        box.addWidget(self.back, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_error(self, error: KioskError, *, citizen_words: bool) -> None:
        """`citizen_words`: the error's own message is meant for citizens (closed, capped)."""
        self.error = error if citizen_words else None
        self.set_language(self._lang)

    def set_language(self, lang: Language) -> None:
        self._lang = lang
        self.title.setText(texts.CANNOT_ISSUE.get(lang))
        if self.error is not None:
            self.message.setText(self.error.message(lang.value))
        else:
            self.message.setText(texts.TRY_AGAIN.get(lang))
        self.back.setText(texts.BACK.get(lang))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismissed.emit()
        event.accept()


class UnavailableScreen(QWidget):
    """Shown instead of issuing while the database is unreachable; leaves by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        centre = Qt.AlignmentFlag.AlignCenter
        self.setObjectName("unavailable")
        self.mark = label("", 120, bold=True, colour=COLOURS.accent, wrap=False, align=centre)
        self._dots = 0
        self._pulse = QTimer(self)
        self._pulse.setInterval(600)
        self._pulse.timeout.connect(self._step)
        self._step()
        self.message_vi = label(texts.UNAVAILABLE.vi, TYPE.notice_title, bold=True, align=centre)
        self.message_en = label(texts.UNAVAILABLE.en, TYPE.notice_text, align=centre)
        self.hint = label(
            f"{texts.UNAVAILABLE_HINT.vi}\n{texts.UNAVAILABLE_HINT.en}",
            TYPE.result_hint,
            colour=COLOURS.muted,
            align=centre,
        )
        box = QVBoxLayout(self)
        box.setContentsMargins(100, 40, 100, 60)
        box.setSpacing(30)
        box.addStretch(2)
        box.addWidget(self.mark)
        box.addWidget(self.message_vi)
        box.addWidget(self.message_en)
        box.addStretch(1)
        box.addWidget(self.hint)
        box.addStretch(1)

    def _step(self) -> None:
        """Dots that fill up and start again: the screen is alive, just waiting."""
        self._dots = self._dots % 3 + 1
        self.mark.setText(" ".join("●" * self._dots + "○" * (3 - self._dots)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._pulse.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._pulse.stop()
