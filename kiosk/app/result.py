"""The result screen: the new number very large, what to expect, and the ticket preview."""

from __future__ import annotations

import math

from PIL import Image
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.app import texts
from kiosk.app.controls import BigNumber, TicketPreview, TouchButton
from kiosk.app.layout import TYPE
from kiosk.core.catalogue import Procedure
from kiosk.core.config import Config
from kiosk.core.model import IssuedTicket
from kiosk.core.texts import Language, wait_text
from kiosk.gui.controls import label, paint
from kiosk.gui.theme import COLOURS
from kiosk.printing.job import PrintOutcome

CENTRE = Qt.AlignmentFlag.AlignCenter


class ResultScreen(QWidget):
    """Shows one issued ticket; `dismissed` when the citizen taps (the window guards taps)."""

    dismissed = Signal()

    def __init__(self, config: Config, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._lang = Language.VI
        self.issued: IssuedTicket | None = None
        self.procedure: Procedure | None = None
        self.outcome: PrintOutcome | None = None
        self.printing = False
        self._seconds_left = 0

        self.title = label(px=TYPE.result_title, bold=True, align=CENTRE)
        # The printer warning: the chosen language large, the other one below it.
        self.fault = label(px=TYPE.result_fault, bold=True, align=CENTRE)
        self.fault_other = label(px=TYPE.result_hint, align=CENTRE)
        self.fault_box = QWidget()
        self.fault_box.setObjectName("fault")
        self.fault_box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.fault_box.setStyleSheet(
            f"#fault {{ background: {COLOURS.danger}; border: 4px solid {COLOURS.highlight};"
            " border-radius: 18px; }"
        )
        fault_layout = QVBoxLayout(self.fault_box)
        fault_layout.setContentsMargins(24, 12, 24, 12)
        fault_layout.setSpacing(4)
        fault_layout.addWidget(self.fault)
        fault_layout.addWidget(self.fault_other)
        self.field = label(px=TYPE.result_field, bold=True, align=CENTRE)
        self.number = BigNumber(COLOURS.accent)
        self.priority = label(px=TYPE.result_info, bold=True, wrap=False, align=CENTRE)
        paint(self.priority, COLOURS.background, COLOURS.priority)
        self.priority.setStyleSheet(
            self.priority.styleSheet() + " padding: 4px 18px; border-radius: 12px;"
        )
        self.issued_at = label(px=TYPE.result_info, colour=COLOURS.muted, align=CENTRE)
        self.ahead = label(px=TYPE.result_info, align=CENTRE)
        self.wait = label(px=TYPE.result_info, align=CENTRE)
        self.done = TouchButton(
            "", target_px, px=TYPE.result_info, background=COLOURS.ok, border=COLOURS.ok_text
        )
        self.done.setMinimumWidth(target_px * 3)
        self.done.clicked.connect(self.dismissed)
        self.countdown = label(px=TYPE.result_hint, colour=COLOURS.muted, wrap=False)
        # As wide as its longest text, so "Xong" stays put while the seconds tick down.
        metrics = QFontMetrics(self.countdown.font())
        seconds = range(1, math.ceil(config.kiosk.result_seconds) + 1)
        self.countdown.setFixedWidth(
            max(
                metrics.horizontalAdvance(texts.BACK_IN.get(lang, n=n))
                for lang in Language
                for n in seconds
            )
        )
        self.preview = TicketPreview()
        self.status = label(px=TYPE.result_hint, colour=COLOURS.muted, align=CENTRE)

        done_row = QHBoxLayout()
        done_row.setSpacing(28)
        done_row.addStretch(1)
        done_row.addWidget(self.done)
        done_row.addWidget(self.countdown)
        done_row.addStretch(1)
        info = QVBoxLayout()
        info.setSpacing(8)
        info.addWidget(self.title)
        info.addWidget(self.fault_box)
        info.addSpacing(6)
        info.addWidget(self.field)
        info.addWidget(self.number, 1)
        info.addWidget(self.priority, 0, Qt.AlignmentFlag.AlignHCenter)
        info.addSpacing(6)
        info.addWidget(self.ahead)
        info.addWidget(self.wait)
        info.addWidget(self.issued_at)
        info.addSpacing(14)
        info.addLayout(done_row)
        paper = QVBoxLayout()
        paper.setSpacing(8)
        paper.addWidget(self.preview, 1)
        paper.addWidget(self.status)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(40, 20, 40, 20)
        self._box.setSpacing(40)
        self._box.addLayout(info, 3)
        self._box.addLayout(paper, 2)
        self.fault_box.hide()

    # ---------------------------------------------------------------- content

    def show_ticket(self, issued: IssuedTicket, procedure: Procedure | None = None) -> None:
        """A new ticket: number, field (and the procedure it is for) and expectations; the
        preview and print state follow."""
        self.issued = issued
        self.procedure = procedure
        self.outcome = None
        self.printing = True
        self.preview.set_ticket(None)
        self._render_texts()

    def set_preview(self, image: Image.Image | None) -> None:
        self.preview.set_ticket(image)

    def set_outcome(self, outcome: PrintOutcome) -> None:
        self.printing = False
        self.outcome = outcome
        self._render_texts()

    @property
    def print_failed(self) -> bool:
        return self.outcome is not None and not self.outcome.ok

    def set_language(self, lang: Language) -> None:
        self._lang = lang
        self._render_texts()

    def set_countdown(self, seconds: int) -> None:
        self._seconds_left = seconds
        self.countdown.setText(texts.BACK_IN.get(self._lang, n=seconds) if seconds > 0 else "")

    def _render_texts(self) -> None:
        lang, issued = self._lang, self.issued
        other = Language.EN if lang is Language.VI else Language.VI
        self.done.setText(texts.DONE.get(lang))
        self.set_countdown(self._seconds_left)
        if issued is None:
            return
        ticket = issued.ticket
        field = self._config.field(ticket.field)
        name = (field.name if lang is Language.VI else field.name_en) if field else ticket.field
        if self.procedure is not None:
            name = f"{name}\n{self.procedure.title(lang)}"
        self.field.setText(name)
        self.number.setText(ticket.code)
        self.number.update()
        self.priority.setText(f"  {texts.PRIORITY_TICKET.get(lang)}  ")
        self.priority.setVisible(ticket.priority)
        local = ticket.issued_at.astimezone(self._config.zone)
        self.issued_at.setText(texts.ISSUED_AT.get(lang, time=f"{local:%H:%M  %d/%m/%Y}"))
        self.ahead.setText(texts.PEOPLE_AHEAD.get(lang, n=issued.people_ahead))
        wait = wait_text(issued.estimated_wait_minutes, lang)
        self.wait.setText(texts.ESTIMATED_WAIT.get(lang, wait=wait))
        failed = self.print_failed
        self.fault_box.setVisible(failed)
        self.title.setVisible(not failed)
        self.title.setText(texts.TAKE_TICKET.get(lang))
        self.fault.setText(texts.PRINTER_FAULT.get(lang))
        self.fault_other.setText(texts.PRINTER_FAULT.get(other))
        if self.printing:
            self.status.setText(texts.PRINTING.get(lang))
        else:
            self.status.setText(texts.NOT_PRINTED.get(lang) if failed else "")
        self.status.setVisible(bool(self.status.text()))

    # ---------------------------------------------------------------- layout

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self._box.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismissed.emit()
        event.accept()
