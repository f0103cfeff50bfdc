"""The hidden admin side: the PIN pad (with its lock after wrong PINs) and the admin panel."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.app import jobs, texts
from kiosk.app.controls import TouchButton
from kiosk.app.home import field_face
from kiosk.app.layout import TYPE
from kiosk.core.catalogue import Catalogue
from kiosk.core.config import Config
from kiosk.core.errors import KioskError
from kiosk.core.lockout import ADMIN_SCOPE, FREE_TRIES, Attempt, Lockout, LockState, lock_message
from kiosk.core.model import FieldStatus, Snapshot, Ticket
from kiosk.core.pin import ANY_PIN_DIGITS, valid_pin
from kiosk.core.queue import QueueService
from kiosk.core.texts import Language
from kiosk.gui.controls import label, paint
from kiosk.gui.operations import Operations
from kiosk.gui.theme import COLOURS
from kiosk.printing.job import PrintOutcome
from kiosk.printing.targets import PrinterStatus, describe_target


@dataclass
class PinGuard:
    """The pad's view of the admin lockout (kiosk.core.lockout, kept in the database).

    Between checks the pad counts a lock down on `monotonic` (injectable for tests); every
    try asks the database again, so a restart or another window never lifts a lock.
    """

    stored_hash: str
    lockout: Lockout
    scope: str = ADMIN_SCOPE
    monotonic: Callable[[], float] = time.monotonic
    tries_left: int = FREE_TRIES
    locked_until: float = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.stored_hash.strip())

    def locked_for(self) -> float:
        """Seconds left of the lock as last learned (0 when the pad may be used)."""
        return max(0.0, self.locked_until - self.monotonic())

    def learn(self, state: LockState, asked_at: float) -> None:
        """Take the lockout's answer to a question asked at `asked_at` (monotonic): tries
        left, and the lock counted from when it was asked (a slow answer adds no time)."""
        self.tries_left = state.tries_left
        self.locked_until = asked_at + state.locked_seconds if state.locked_seconds else 0.0


def _clear(layout: QGridLayout) -> None:
    """Remove and delete every widget of a layout that is filled again on each opening."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def _heading(text: str) -> QWidget:
    return label(text, TYPE.admin, bold=True, colour=COLOURS.accent)


class PinPad(QWidget):
    """On-screen digits; `accepted` after the right PIN, `closed` when the admin leaves."""

    accepted = Signal()
    closed = Signal()

    def __init__(
        self, guard: PinGuard, ops: Operations, target_px: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.guard = guard
        self._ops = ops
        self._entered = ""
        self._checking = False
        self._showing_lock = False
        centre = Qt.AlignmentFlag.AlignCenter
        self.title = label(texts.PIN_PROMPT.both(), TYPE.admin, bold=True, align=centre)
        self.dots = label("", TYPE.pin_digit, bold=True, colour=COLOURS.accent, align=centre)
        self.dots.setMinimumHeight(TYPE.pin_digit * 2)
        self.message = label("", TYPE.admin, colour=COLOURS.highlight, align=centre)
        self.keys: dict[str, TouchButton] = {}
        keypad = QGridLayout()
        keypad.setSpacing(16)
        size = max(target_px, 110)
        layout = [
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            texts.PIN_CLEAR.vi,
            "0",
            texts.PIN_OK.vi,
        ]
        for i, key in enumerate(layout):
            button = TouchButton(key, size, px=TYPE.pin_digit if key.isdigit() else TYPE.admin)
            button.setMinimumWidth(int(size * 1.6))
            button.clicked.connect(lambda _=False, k=key: self._key(k))
            keypad.addWidget(button, i // 3, i % 3)
            self.keys[key] = button
        self.close_button = TouchButton(texts.CLOSE.both(), target_px, px=TYPE.admin)
        self.close_button.clicked.connect(self.closed)
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 30, 40, 30)
        box.setSpacing(18)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.dots)
        box.addLayout(keypad)
        box.setAlignment(keypad, centre)
        box.addWidget(self.message)
        box.addStretch(1)
        box.addWidget(self.close_button, 0, centre)
        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._refresh)

    def reset(self) -> None:
        """Called each time the pad opens: nothing typed, the lock as the database has it."""
        self._entered = ""
        self.message.setText("")
        self._refresh()
        self._tick.start()
        if self.guard.configured:
            asked = self.guard.monotonic()
            self._ops.run(
                "pin lock state",
                self.guard.lockout.state,
                self.guard.scope,
                on_done=lambda state: self._learned(state, asked),
                on_error=lambda _err: None,  # the next try asks again
            )

    def _learned(self, state: LockState, asked_at: float) -> None:
        self.guard.learn(state, asked_at)
        self._refresh()

    def stop(self) -> None:
        self._tick.stop()

    @property
    def usable(self) -> bool:
        return self.guard.configured and not self._checking and self.guard.locked_for() == 0

    def _refresh(self) -> None:
        self.dots.setText(" ".join("●" for _ in self._entered) or "–")
        if not self.guard.configured:
            self.message.setText(texts.PIN_NOT_SET.both("\n"))
        elif (left := self.guard.locked_for()) > 0:
            self.message.setText(lock_message(left).both())
        elif self._showing_lock:
            self.message.setText("")
        self._showing_lock = self.guard.configured and left > 0
        usable = self.usable
        for button in self.keys.values():
            button.setEnabled(usable)

    def _key(self, key: str) -> None:
        if not self.usable:
            return
        if key == texts.PIN_CLEAR.vi:
            self._entered = ""
        elif key == texts.PIN_OK.vi:
            self._submit()
            return
        elif len(self._entered) < 12:
            self._entered += key
        self._refresh()

    def _submit(self) -> None:
        pin, self._entered = self._entered, ""
        if not valid_pin(pin, ANY_PIN_DIGITS):
            self.message.setText(texts.PIN_SHORT.both())
            self._refresh()
            return
        self._checking = True
        self.message.setText(texts.PIN_CHECKING.both())
        self._refresh()
        # PBKDF2 takes a noticeable moment: never on the GUI thread (nor the lockout's writes).
        asked = self.guard.monotonic()
        self._ops.run(
            "verify pin",
            self.guard.lockout.attempt,
            self.guard.scope,
            pin,
            self.guard.stored_hash,
            actor="kiosk",
            on_done=lambda attempt: self._checked(attempt, asked),
            on_error=self._failed,
        )

    def _failed(self, err: KioskError) -> None:
        self._checking = False
        self.message.setText(err.text.both())
        self._refresh()

    def _checked(self, attempt: Attempt, asked_at: float) -> None:
        self._checking = False
        self.guard.learn(attempt.state, asked_at)
        if attempt.ok:
            self.message.setText("")
            self._refresh()
            self.accepted.emit()
            return
        self._refresh()
        if not self.guard.locked_for():
            self.message.setText(texts.PIN_WRONG.both(n=self.guard.tries_left))


class AdminPanel(QWidget):
    """Printer status and test page, reprint, open/close fields for today, quit."""

    back = Signal()
    quit_requested = Signal()
    fields_changed = Signal()

    def __init__(
        self,
        service: QueueService,
        config: Config,
        ops: Operations,
        print_ops: Operations,
        target_px: int,
        parent: QWidget | None = None,
        *,
        catalogue: Catalogue | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._config = config
        self._catalogue = catalogue
        self._ops = ops
        self._print_ops = print_ops
        self._target = target_px
        px = TYPE.admin

        self.title = label(texts.ADMIN_TITLE.both(), TYPE.title, bold=True)
        # Printer
        vi, _ = describe_target(config.printer)
        printer = config.printer
        self.printer_name = label(
            f"{vi}\n{printer.profile} · {printer.paper_mm} mm", TYPE.admin_small
        )
        self.printer_state = label("", px, bold=True)
        self.check_button = TouchButton(texts.CHECK_PRINTER.both(), target_px, px=px)
        self.check_button.clicked.connect(self.check_printer)
        self.test_button = TouchButton(texts.TEST_PAGE.both(), target_px, px=px)
        self.test_button.clicked.connect(self.print_test_page)
        printer_buttons = QHBoxLayout()
        printer_buttons.setSpacing(16)
        printer_buttons.addWidget(self.check_button)
        printer_buttons.addWidget(self.test_button)
        # Reprint: the newest tickets of today, three to a row
        self.reprint_grid = QGridLayout()
        self.reprint_grid.setSpacing(14)
        self.reprint_buttons: dict[str, TouchButton] = {}
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(_heading(texts.PRINTER.both()))
        left.addWidget(self.printer_name)
        left.addWidget(self.printer_state)
        left.addLayout(printer_buttons)
        left.addSpacing(12)
        left.addWidget(_heading(texts.REPRINT.both()))
        left.addLayout(self.reprint_grid)
        left.addStretch(1)
        # Fields
        self.fields_box = QGridLayout()
        self.fields_box.setHorizontalSpacing(20)
        self.fields_box.setVerticalSpacing(12)
        self.field_buttons: dict[str, TouchButton] = {}
        fields = QVBoxLayout()
        fields.setSpacing(14)
        fields.addWidget(_heading(texts.FIELDS_TODAY.both()))
        fields.addLayout(self.fields_box)
        fields.addStretch(1)

        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(48)
        self.columns.addLayout(left, 1)
        self.columns.addLayout(fields, 1)
        content = QWidget()
        content.setObjectName("admin-content")
        content.setStyleSheet("#admin-content { background: transparent; }")
        content.setLayout(self.columns)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet(
            "QScrollArea { background: transparent; }"
            f"QScrollBar:vertical {{ width: 30px; background: {COLOURS.surface}; }}"
            f"QScrollBar::handle:vertical {{ background: {COLOURS.surface_alt}; min-height: 90px;"
            " border-radius: 8px; }"
        )
        # Drag with a finger to scroll (a touchscreen has no wheel). Touch only: a mouse
        # gesture would hold back every press and make the buttons feel dead.
        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        scroll.viewport().setStyleSheet("background: transparent;")

        self.message = label("", px, colour=COLOURS.highlight)
        self.back_button = TouchButton(
            texts.BACK_HOME.both(), target_px, px=px, background=COLOURS.ok
        )
        self.back_button.clicked.connect(self.back)
        self.quit_button = TouchButton(
            texts.QUIT.both(), target_px, px=px, background=COLOURS.danger
        )
        self.quit_button.clicked.connect(self.quit_requested)
        bottom = QHBoxLayout()
        bottom.setSpacing(24)
        bottom.addWidget(self.back_button)
        bottom.addStretch(1)
        bottom.addWidget(self.quit_button)

        box = QVBoxLayout(self)
        box.setContentsMargins(40, 24, 40, 24)
        box.setSpacing(18)
        box.addWidget(self.title)
        box.addWidget(scroll, 1)
        box.addWidget(self.message)
        box.addLayout(bottom)

    # ---------------------------------------------------------------- loading

    def open(self) -> None:
        """Fresh data each time the panel opens."""
        self._say("")
        # Filled again by the answers below (tests wait on these for fresh data).
        self.field_buttons = {}
        self.reprint_buttons = {}
        self.check_printer()
        self._ops.run("recent tickets", jobs.recent_tickets, self._service, on_done=self._tickets)
        self._ops.run("fields", self._service.snapshot, 0, on_done=self.show_snapshot)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _error(self, err: KioskError) -> None:
        self._say(f"{err.message_vi} / {err.message_en}")

    # ---------------------------------------------------------------- printer

    def check_printer(self) -> None:
        self.printer_state.setText(texts.PRINTER_CHECKING.both())
        paint(self.printer_state, COLOURS.muted)
        self._print_ops.run(
            "printer status",
            jobs.check_printer,
            self._config,
            on_done=self.show_printer_status,
            on_error=self._error,
        )

    def show_printer_status(self, status: PrinterStatus) -> None:
        self.printer_state.setText(
            texts.PRINTER_STATES[status.value].both()
            if status.value in texts.PRINTER_STATES
            else status.value
        )
        paint(
            self.printer_state, COLOURS.ok_text if status is PrinterStatus.OK else COLOURS.highlight
        )

    def print_test_page(self) -> None:
        self._say(texts.PRINTER_CHECKING.both())
        self._print_ops.run(
            "test page",
            jobs.print_test_page,
            self._config,
            on_done=self._test_printed,
            on_error=self._error,
        )

    def _test_printed(self, outcome: PrintOutcome) -> None:
        self._say(f"{outcome.message_vi} / {outcome.message_en}")

    # ---------------------------------------------------------------- reprint

    def _tickets(self, tickets: list[Ticket]) -> None:
        _clear(self.reprint_grid)
        self.reprint_buttons = {}
        if not tickets:
            self.reprint_grid.addWidget(
                label(texts.NO_TICKETS.both(), TYPE.admin, colour=COLOURS.muted)
            )
            return
        for i, t in enumerate(tickets):
            local = t.issued_at.astimezone(self._config.zone)
            button = TouchButton(f"{t.code}\n{local:%H:%M}", self._target, px=TYPE.admin)
            button.clicked.connect(lambda _=False, tid=t.id: self.reprint(tid))
            self.reprint_grid.addWidget(button, i // 3, i % 3)
            self.reprint_buttons[t.code] = button

    def reprint(self, ticket_id: int) -> None:
        self._print_ops.run(
            "reprint",
            jobs.reprint,
            self._service,
            self._config,
            ticket_id,
            self._catalogue,
            on_done=self._reprinted,
            on_error=self._error,
        )

    def _reprinted(self, done: jobs.Reprint) -> None:
        code = done.ticket.code
        if done.outcome.ok:
            self._say(texts.PRINTED.both(code=code))
        else:
            self._say(texts.PRINT_FAILED.both(code=code, why=done.outcome.message_vi))

    # ---------------------------------------------------------------- fields

    def show_snapshot(self, snapshot: Snapshot) -> None:
        _clear(self.fields_box)
        self.field_buttons = {}
        for row, status in enumerate(snapshot.fields):
            field = self._config.field(status.code)
            face = field_face(status, Language.VI, field.daily_cap if field else None)
            name = label(f"{status.prefix} · {status.name}", TYPE.admin, bold=True)
            state = label(
                texts.FIELD_OPEN.both() if status.open_now else face.detail,
                TYPE.admin_small,
                colour=COLOURS.muted if status.open_now else COLOURS.highlight,
            )
            text = QVBoxLayout()
            text.setSpacing(0)
            text.addWidget(name)
            text.addWidget(state)
            button = TouchButton(
                (texts.CLOSE_TODAY if status.open_now else texts.OPEN_TODAY).both("\n"),
                self._target,
                px=TYPE.admin_small,
                background=COLOURS.surface_alt if status.open_now else COLOURS.ok,
                border=COLOURS.surface_alt if status.open_now else COLOURS.ok_text,
            )
            button.setFixedWidth(max(300, self._target * 3))
            button.clicked.connect(lambda _=False, s=status: self.toggle_field(s))
            holder = QWidget()
            holder.setLayout(text)
            self.fields_box.addWidget(holder, row, 0)
            self.fields_box.addWidget(button, row, 1)
            self.field_buttons[status.code] = button
        self.fields_box.setColumnStretch(0, 1)

    def toggle_field(self, status: FieldStatus) -> None:
        reason = "" if not status.open_now else texts.CLOSED_BY_ADMIN.both()
        self._ops.run(
            "field today",
            self._service.set_field_today,
            status.code,
            not status.open_now,
            reason=reason,
            actor="kiosk-admin",
            on_done=lambda _none: self._field_toggled(),
            on_error=self._error,
        )

    def _field_toggled(self) -> None:
        self.fields_changed.emit()
        self._ops.run("fields", self._service.snapshot, 0, on_done=self.show_snapshot)
