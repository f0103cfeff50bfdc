"""The counter console window: the ticket in hand, the queue of the counter, the actions.

Driven only by the change feed (every change re-reads `load_state` off the GUI thread), so
a console reopened after a crash shows the ticket its counter holds. Actions go through
`kiosk.counter.actions` in `Operations`; a refusal is shown as one line in Vietnamese with
English below. Keyboard: F1-F8; numeric keypad: + / Enter call next, * recall, - skip,
/ complete, . pause or resume, digits = dossier count (see `kiosk.counter.keys`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalogue import Catalogue
from kiosk.core.errors import DatabaseError, KioskError
from kiosk.core.model import CounterState, Ticket
from kiosk.core.queue import QueueService
from kiosk.core.texts import Text
from kiosk.counter import actions
from kiosk.counter import texts as T
from kiosk.counter.actions import Outcome
from kiosk.counter.keys import (
    DIGIT_WINDOW_S,
    FUNCTION_KEYS,
    Action,
    RepeatFilter,
    keypad_action,
    keypad_digit,
)
from kiosk.counter.signin import SignInPage
from kiosk.counter.state import ConsoleState, duration_text, load_state, minutes_between
from kiosk.gui.operations import Operations
from kiosk.gui.options import write_snapshot
from kiosk.gui.theme import COLOURS, font
from kiosk.gui.watcher import FeedWatcher

log = logging.getLogger(__name__)
C = COLOURS

HELD_ACTIONS = (Action.RECALL, Action.SKIP, Action.COMPLETE, Action.TRANSFER)

STYLE = f"""
QWidget#console {{ background: {C.background}; }}
QLabel {{ color: {C.text}; background: transparent; }}
QLabel[role="muted"] {{ color: {C.muted}; }}
QLabel[role="caption"] {{ color: {C.muted}; font-weight: bold; }}
QLabel[role="code"] {{ color: {C.accent}; font-weight: bold; }}
QLabel[role="banner"] {{ background: {C.alert}; color: {C.text}; font-weight: bold;
    padding: 6px 12px; border-radius: 6px; }}
QLabel[tone="refused"] {{ color: {C.alert_text}; font-weight: bold; }}
QLabel[tone="ok"] {{ color: {C.ok_text}; font-weight: bold; }}
QFrame[role="card"] {{ background: {C.surface}; border-radius: 10px; }}
QPushButton {{ background: {C.surface_alt}; color: {C.text}; border: 2px solid {C.surface_alt};
    border-radius: 8px; padding: 6px 10px; text-align: left; }}
QPushButton:focus {{ border-color: {C.highlight}; }}
QPushButton:disabled {{ background: {C.surface}; color: {C.muted}; border-color: {C.surface}; }}
QPushButton[role="primary"] {{ background: {C.accent}; color: {C.background};
    border-color: {C.accent}; font-weight: bold; }}
QPushButton[role="primary"]:disabled {{ background: {C.surface}; color: {C.muted};
    border-color: {C.surface}; }}
QListWidget {{ background: {C.surface}; color: {C.text}; border: none; border-radius: 8px;
    padding: 4px; }}
QListWidget::item {{ padding: 4px 6px; }}
QListWidget::item:selected {{ background: {C.accent}; color: {C.background}; }}
QSpinBox, QComboBox {{ background: {C.surface_alt}; color: {C.text}; border-radius: 6px;
    padding: 2px 8px; }}
QComboBox QAbstractItemView {{ background: {C.surface}; color: {C.text};
    selection-background-color: {C.accent}; selection-color: {C.background}; }}
"""


def _label(text: str = "", role: str = "") -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _Lines(QLabel):
    """A label of a fixed number of lines, so new text never moves the buttons around it.

    A line too long for the width is elided ("…"); the whole text is the tooltip.
    """

    def __init__(self, lines: int, role: str = "") -> None:
        super().__init__()
        if role:
            self.setProperty("role", role)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.lines = lines
        self.full_text = ""
        self._fit()

    def set_lines(self, text: str) -> None:
        self.full_text = text
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        fm = self.fontMetrics()
        margins = self.contentsMargins()
        self.setFixedHeight(fm.lineSpacing() * self.lines + margins.top() + margins.bottom())
        width = self.contentsRect().width()
        shown = [
            fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in self.full_text.split("\n")[: self.lines]
        ]
        text = "\n".join(shown)
        self.setToolTip(self.full_text if text != self.full_text else "")
        if self.text() != text:
            self.setText(text)


def _card() -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    return frame


class CounterConsole(QWidget):
    """One counter's console; `start()` shows the current state and follows the feed."""

    def __init__(
        self,
        service: QueueService,
        counter: int,
        *,
        ops: Operations | None = None,
        watcher: FeedWatcher | None = None,
        snapshot_path: Path | None = None,
        open_on_start: bool = True,
        catalogue: Catalogue | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        #: The procedures catalogue: a ticket's procedure is shown by its name, not its code.
        self.catalogue = catalogue
        self.number = counter
        self.config = service.config
        self.ops = ops or Operations(self)
        self.watcher = watcher or FeedWatcher(service, parent=self)
        self.snapshot_path = snapshot_path
        self.open_on_start = open_on_start
        self.state: ConsoleState | None = None
        self.compact = False
        self.online = True
        self._outages = 0  # database outages seen: a read begun before the last is stale
        self.busy = False
        self.refreshes = 0
        self.stopped = False
        self.message_vi = ""
        self.message_en = ""
        self.message_tone = ""
        self._reading = False
        self._again = False
        self._last_digit = 0.0
        self._repeats = RepeatFilter()
        self._opened = False
        self.setObjectName("console")
        self.setStyleSheet(STYLE)
        counter_cfg = self.config.counter(counter)
        self.setWindowTitle(f"{counter_cfg.label_vi if counter_cfg else counter} – kiosk")
        self._build()
        self.watcher.changed.connect(lambda _events: self.refresh())
        self.watcher.unavailable.connect(self._on_unavailable)
        self.watcher.available.connect(self._on_available)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._apply_sizes()
        self._update_buttons()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        cfg = self.config
        self.buttons: dict[Action, QPushButton] = {}
        c = cfg.counter(self.number)
        names = [f.name for f in cfg.fields if self.number in f.counters]

        self.title = _label(c.label_vi.upper() if c else T.COUNTER.vi.format(n=self.number))
        self.title_en = _label(c.label_en if c else T.COUNTER.en.format(n=self.number), "muted")
        self.fields_label = _label(" · ".join(names) or "—", "muted")
        self.fields_label.setMinimumWidth(0)
        self.fields_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label = _label("")
        self.clock_label = _label("", "muted")
        # Officers (kiosk.core.officers): who is signed in, and the way out.
        self.officers = bool(cfg.officers)
        self.officer_label = _label("", "muted")
        self.officer_label.setVisible(self.officers)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.title_en)
        header.addLayout(titles)
        header.addSpacing(16)
        header.addWidget(self.fields_label, 1)
        header.addWidget(self.officer_label)
        header.addSpacing(12)
        header.addWidget(self.state_label)
        header.addSpacing(12)
        header.addWidget(self._button(Action.PAUSE))
        sign_out = self._button(Action.SIGN_OUT)
        sign_out.setVisible(self.officers)
        header.addWidget(sign_out)
        header.addSpacing(12)
        header.addWidget(self.clock_label)

        # Laid over the whole console while nobody is signed in (officers configured).
        label = c.label_vi if c else T.COUNTER.vi.format(n=self.number)
        label_en = c.label_en if c else T.COUNTER.en.format(n=self.number)
        self.sign_in_page = SignInPage(cfg.officers_at(self.number), label, label_en)
        self.sign_in_page.setParent(self)
        self.sign_in_page.hide()
        self.sign_in_page.chosen.connect(self._sign_in)

        # Laid over the header, outside the layout: an outage must not move a button.
        self.banner = _label(T.DB_DOWN.both("\n"), "banner")
        self.banner.setParent(self)
        self.banner.hide()

        # Ticket in hand
        self.serving_caption = _label(T.NOW_SERVING.both(" · "), "caption")
        self.code_label = _label("—", "code")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.ticket_field = _label("", "muted")
        self.ticket_detail = _label("")
        self.ticket_detail.setWordWrap(True)
        self.recalls_label = _label("", "muted")
        self.dossiers = QSpinBox()
        self.dossiers.setRange(0, 99)
        self.dossiers.setValue(1)
        self.dossiers.setAccessibleName(T.DOSSIERS.vi)
        self.dossiers.setButtonSymbols(QSpinBox.ButtonSymbols.PlusMinus)
        self.dossiers.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dossier_row = QHBoxLayout()
        dossier_row.addWidget(_label(T.DOSSIERS.both(" · ")))
        dossier_row.addWidget(self.dossiers)
        dossier_row.addWidget(_label(T.DOSSIERS_HINT.vi, "muted"), 1)
        ticket_card = self._ticket_card = _card()
        tl = QVBoxLayout(ticket_card)
        tl.addWidget(self.serving_caption)
        tl.addWidget(self.code_label)
        tl.addWidget(self.ticket_field)
        tl.addWidget(self.ticket_detail)
        tl.addWidget(self.recalls_label)
        tl.addStretch(1)
        tl.addLayout(dossier_row)

        # Inline panels for pause reason and transfer target
        self.pause_panel = _card()
        pl = QHBoxLayout(self.pause_panel)
        pl.addWidget(_label(T.PAUSE_REASON.both(" · ")))
        self.pause_reason = QComboBox()
        self.pause_reason.setEditable(True)
        self.pause_reason.addItems([r.vi for r in T.PAUSE_REASONS])
        pl.addWidget(self.pause_reason, 1)
        self.pause_ok = QPushButton(f"{T.PAUSE_OK.vi} · Enter")
        self.pause_ok.setProperty("role", "primary")
        self.pause_cancel = QPushButton(f"{T.CANCEL.vi} · Esc")
        pl.addWidget(self.pause_ok)
        pl.addWidget(self.pause_cancel)
        self.pause_panel.hide()

        self.transfer_panel = _card()
        xl = QHBoxLayout(self.transfer_panel)
        xl.addWidget(_label(T.TRANSFER_TO.both(" · ")))
        self.transfer_target = QComboBox()
        for f in cfg.fields:
            self.transfer_target.addItem(T.TRANSFER_FIELD.vi.format(name=f.name), ("field", f.code))
        for other in cfg.counters:
            if other.number != self.number:
                self.transfer_target.addItem(f"{other.label_vi}", ("counter", other.number))
        xl.addWidget(self.transfer_target, 1)
        self.transfer_ok = QPushButton(f"{T.TRANSFER_OK.vi} · Enter")
        self.transfer_ok.setProperty("role", "primary")
        self.transfer_cancel = QPushButton(f"{T.CANCEL.vi} · Esc")
        xl.addWidget(self.transfer_ok)
        xl.addWidget(self.transfer_cancel)
        self.transfer_panel.hide()

        # Action buttons
        grid = QGridLayout()
        grid.setSpacing(8)
        order = [Action.CALL_NEXT, Action.RECALL, Action.COMPLETE, Action.SKIP, Action.TRANSFER]
        for i, action in enumerate(order):
            b = self._button(action)
            if action is Action.CALL_NEXT:
                b.setProperty("role", "primary")
                grid.addWidget(b, 0, 0, 1, 2)
            else:
                r, col = divmod(i - 1, 2)
                grid.addWidget(b, r + 1, col)

        left = QVBoxLayout()
        left.addWidget(ticket_card, 1)
        left.addWidget(self.pause_panel)
        left.addWidget(self.transfer_panel)
        left.addLayout(grid)

        # Queue of this counter
        self.waiting_caption = _label(T.WAITING.both(" · "), "caption")
        self.waiting_list = QListWidget()
        self.waiting_list.setAccessibleName(T.WAITING_LIST.vi)
        self.skipped_caption = _label(T.SKIPPED.both(" · "), "caption")
        self.skipped_list = QListWidget()
        self.skipped_list.setAccessibleName(T.SKIPPED_LIST.vi)
        right = QVBoxLayout()
        right.addWidget(self.waiting_caption)
        right.addWidget(self.waiting_list, 3)
        right.addWidget(self._button(Action.CALL_CHOSEN))
        right.addWidget(self.skipped_caption)
        right.addWidget(self.skipped_list, 2)
        right.addWidget(self._button(Action.RETURN_SKIPPED))

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)

        # Their lines are reserved from the start: a message must not push the buttons up.
        self.message_label = _Lines(2)
        self.stats_label = _Lines(2, "muted")

        root = QVBoxLayout(self)
        root.addLayout(header)
        root.addLayout(body, 1)
        root.addWidget(self.message_label)
        root.addWidget(self.stats_label)

        self.pause_ok.clicked.connect(self._confirm_pause)
        self.pause_cancel.clicked.connect(self._close_panels)
        self.transfer_ok.clicked.connect(self._confirm_transfer)
        self.transfer_cancel.clicked.connect(self._close_panels)
        self.waiting_list.itemSelectionChanged.connect(self._update_buttons)
        self.skipped_list.itemSelectionChanged.connect(self._update_buttons)
        self.waiting_list.itemDoubleClicked.connect(lambda _i: self._clicked(Action.CALL_CHOSEN))
        self.skipped_list.itemDoubleClicked.connect(lambda _i: self._clicked(Action.RETURN_SKIPPED))

    def _button(self, action: Action) -> QPushButton:
        b = QPushButton(self._caption(action))
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        b.setAccessibleName(T.ACTIONS[action][0].vi)
        b.clicked.connect(lambda _checked=False, a=action: self._clicked(a))
        self.buttons[action] = b
        return b

    def _caption(self, action: Action) -> str:
        text, keys = T.ACTIONS[action]
        if action is Action.PAUSE and self._paused():
            text = T.RESUME
        vi, en = text
        if action in (Action.PAUSE, Action.SIGN_OUT):
            return f"{vi} · {keys}" if self.compact else f"{vi} / {en} · {keys}"
        return f"{vi}\n{keys}" if self.compact else f"{vi}\n{en} · {keys}"

    def _paused(self) -> bool:
        return self.state is not None and self.state.counter.state is CounterState.PAUSED

    # ------------------------------------------------------------------ sizes

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.sign_in_page.setGeometry(self.rect())
        self._apply_sizes()
        self._place_banner()

    def event(self, e: QEvent) -> bool:
        handled = super().event(e)
        if e.type() == QEvent.Type.LayoutRequest:  # the header may have changed height
            self._place_banner()
        return handled

    def _place_banner(self) -> None:
        """Across the top, down to the cards: over the header (name, state, clock) only."""
        layout = self.layout()
        m = layout.contentsMargins() if layout is not None else self.contentsMargins()
        gap = layout.spacing() if layout is not None else 0
        height = max(self.banner.sizeHint().height(), self._ticket_card.y() - m.top() - gap)
        self.banner.setGeometry(m.left(), m.top(), self.width() - m.left() - m.right(), height)
        self.banner.raise_()

    def _apply_sizes(self) -> None:
        """Text scales with the window (full screen at a counter, or a small demo tile)."""
        base = max(11, min(22, round(min(self.width() / 56, self.height() / 42))))
        self.compact = self.width() < 1000
        self.title_en.setVisible(not self.compact)
        for action, b in self.buttons.items():
            b.setText(self._caption(action))
        self.setFont(font(base))
        for w in (
            self.waiting_list,
            self.skipped_list,
            self.ticket_detail,
            self.recalls_label,
            self.fields_label,
            self.serving_caption,
            self.waiting_caption,
            self.skipped_caption,
            self.pause_reason,
            self.transfer_target,
        ):
            w.setFont(
                font(
                    base,
                    bold=w in (self.serving_caption, self.waiting_caption, self.skipped_caption),
                )
            )
        self.title.setFont(font(round(base * 1.6), bold=True))
        self.code_label.setFont(font(round(base * 3.8), bold=True))
        self.ticket_field.setFont(font(round(base * 1.3), bold=True))
        self.state_label.setFont(font(round(base * 1.1), bold=True))
        self.clock_label.setFont(font(round(base * 1.5), bold=True))
        for b in self.buttons.values():
            b.setFont(font(base, bold=True))
            b.setMinimumHeight(round(base * 3.4))
        for small in (self.buttons[Action.PAUSE], self.buttons[Action.SIGN_OUT]):
            small.setFont(font(round(base * 0.85), bold=True))
            small.setMinimumHeight(round(base * 2.2))
            small.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.officer_label.setFont(font(round(base * 1.1), bold=True))
        self.buttons[Action.CALL_NEXT].setMinimumHeight(round(base * 3.8))
        self.dossiers.setFont(font(round(base * 1.3), bold=True))
        self.dossiers.setMinimumWidth(round(base * 6))
        self.message_label.setFont(font(round(base * 1.05), bold=True))
        self.stats_label.setFont(font(round(base * 0.9)))
        if self.state is not None:
            self._render(self.state)

    # ------------------------------------------------------------------ feed

    def start(self) -> None:
        self.refresh()
        self.watcher.start()

    def stop(self) -> None:
        self.stopped = True
        self.watcher.stop()
        self._clock.stop()

    def refresh(self) -> None:
        """Re-read the counter's state (coalesced: one read in flight, one more queued)."""
        if self.stopped:  # a feed change queued before stop() arrives after it
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        self.ops.run(
            "counter state",
            load_state,
            self.service,
            self.number,
            on_done=partial(self._show_state, outages=self._outages),
            on_error=self._read_failed,
        )

    def _read_failed(self, err: KioskError) -> None:
        self._reading = False
        if isinstance(err, DatabaseError):
            self._on_unavailable(err)
        else:
            self._say(err.text, "refused")
        self._again_if_needed()

    def _again_if_needed(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _on_unavailable(self, err: KioskError) -> None:
        log.warning("counter %d: database unavailable: %s", self.number, err.message_en)
        self._outages += 1
        self.online = False
        self._place_banner()
        self.banner.show()
        self._update_buttons()
        self._write_state()

    def _on_available(self) -> None:
        self.online = True
        self.banner.hide()
        self._update_buttons()
        self.refresh()

    def _show_state(self, state: ConsoleState, *, outages: int | None = None) -> None:
        """Show a state read; `outages`: the outage count when the read began. Only a read
        begun after the last outage says the database is back (one already under way when
        it went away may still finish, and must not lift the banner)."""
        self._reading = False
        self.refreshes += 1
        if not self.online and (outages is None or outages == self._outages):
            self.online = True
            self.banner.hide()
        self.state = state
        c = state.counter
        # With officers, the counter opens once somebody signed in, so its counter_opened
        # names who opened it (the next state read after the sign-in comes back here).
        staffed = not self.officers or c.officer is not None
        if self.open_on_start and not self._opened and staffed:
            self._opened = True
            if c.state is CounterState.CLOSED:
                self._run(Action.PAUSE, actions.open_counter, quiet=True)
        self._render(state)
        self._update_buttons()
        self._write_state()
        self._again_if_needed()

    # ------------------------------------------------------------------ rendering

    @property
    def signing_in(self) -> bool:
        """The sign-in page is up: officers are configured and nobody is signed in here."""
        return not self.sign_in_page.isHidden()

    def _show_sign_in(self, state: ConsoleState) -> None:
        """The sign-in page while nobody is signed in (also when another console took this
        counter's officer, or the day changed); the console once somebody is."""
        wanted = self.officers and state.counter.officer is None
        if wanted and not self.signing_in:
            self._close_panels()
            self.sign_in_page.reset()
            self.sign_in_page.setGeometry(self.rect())
            self.sign_in_page.show()
            self.sign_in_page.raise_()
            self.banner.raise_()
        elif not wanted and self.signing_in:
            self.sign_in_page.hide()
            self.setFocus()
        name = state.counter.officer_name
        self.officer_label.setText(T.OFFICER.vi.format(name=name) if name else "")

    def _sign_in(self, officer: str, pin: str) -> None:
        if not self.online:
            self.sign_in_page.say(T.DB_DOWN, "refused")
            return
        self._run(Action.SIGN_IN, actions.sign_in, officer=officer, pin=pin)

    def _render(self, state: ConsoleState) -> None:
        self._show_sign_in(state)
        c = state.counter
        if c.state is CounterState.PAUSED:
            why = f": {c.reason}" if c.reason else ""
            self.state_label.setText(T.PAUSED.vi.format(why=why))
            self.state_label.setStyleSheet(f"color: {C.accent};")
        elif c.state is CounterState.OPEN:
            self.state_label.setText(T.OPEN.vi if self.compact else T.OPEN.both(" · "))
            self.state_label.setStyleSheet(f"color: {C.ok_text};")
        else:
            self.state_label.setText(T.CLOSED.both(" · "))
            self.state_label.setStyleSheet(f"color: {C.muted};")
        self.buttons[Action.PAUSE].setText(self._caption(Action.PAUSE))
        self._render_ticket(state)
        self._fill_list(self.waiting_list, state.waiting, state, waiting=True)
        self._fill_list(self.skipped_list, state.skipped, state, waiting=False)
        self.waiting_caption.setText(f"{T.WAITING.both(' · ')} ({len(state.waiting)})")
        self.skipped_caption.setText(f"{T.SKIPPED.both(' · ')} ({len(state.skipped)})")
        avg_vi, avg_en = duration_text(c.avg_service_seconds)
        per_field = " · ".join(
            T.FIELD_WAITING.vi.format(name=f.name, n=f.waiting)
            + (T.FIELD_PRIORITY.vi.format(n=f.priority_waiting) if f.priority_waiting else "")
            for f in state.fields
        )
        self.stats_label.set_lines(
            T.SERVED_TODAY.vi.format(n=c.served_today, avg=avg_vi)
            + f"   |   {per_field}\n"
            + T.SERVED_TODAY.en.format(n=c.served_today, avg=avg_en)
        )

    def _render_ticket(self, state: ConsoleState) -> None:
        t = state.ticket
        if t is None:
            self.code_label.setText("—")
            self.ticket_field.setText(T.NO_TICKET.both(" · "))
            self.ticket_detail.setText(T.NO_TICKET_HINT.vi)
            self.recalls_label.setText("")
            return
        self.code_label.setText(f"{t.code}  ★" if t.priority else t.code)
        field = self.config.field(t.queue_field)
        name = field.name if field else t.queue_field
        self.ticket_field.setText(name + (T.PRIORITY.vi if t.priority else ""))
        self._update_ticket_times()
        max_recalls = self.config.queue.max_recalls
        if t.recalls:
            hint = T.MAY_SKIP.vi if t.recalls >= max_recalls else ""
            self.recalls_label.setText(
                T.RECALLED.vi.format(n=t.recalls, max=max_recalls, hint=hint)
            )
        else:
            self.recalls_label.setText("")

    def _update_ticket_times(self) -> None:
        state = self.state
        if state is None or state.ticket is None:
            return
        t = state.ticket
        zone = self.config.zone
        waited = minutes_between(t.issued_at, t.called_at)
        now = self.service.clock.now()
        since = t.serving_at or t.called_at
        serving = int((now - since).total_seconds()) if since else 0
        m, s = divmod(max(0, serving), 60)
        called = f"{t.called_at.astimezone(zone):%H:%M}" if t.called_at else "—"
        issued = f"{t.issued_at.astimezone(zone):%H:%M}"
        times = T.TICKET_TIMES.both("\n", waited=waited, issued=issued, called=called, m=m, s=s)
        if t.procedure:  # taken for a catalogue procedure: the clerk sees which one
            found = self.catalogue.find(t.field, t.procedure) if self.catalogue else None
            name = found.name if found else t.procedure
            times = T.PROCEDURE.vi.format(name=name) + "\n" + times
        self.ticket_detail.setText(times)

    def _fill_list(
        self,
        widget: QListWidget,
        tickets: tuple[Ticket, ...],
        state: ConsoleState,
        *,
        waiting: bool,
    ) -> None:
        selected = self._selected_code(widget)
        widget.clear()
        for t in tickets:
            field = self.config.field(t.queue_field)
            name = field.name if field else t.queue_field
            star = "★ " if t.priority else ""
            if waiting:
                mins = minutes_between(t.issued_at, state.now)
                extra = T.TO_COUNTER.vi.format(n=t.target_counter) if t.target_counter else ""
                text = T.WAITING_ITEM.vi.format(
                    star=star, code=t.code, name=name, extra=extra, mins=mins
                )
            else:
                text = T.SKIPPED_ITEM.vi.format(star=star, code=t.code, name=name, n=t.recalls + 1)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, t.code)
            widget.addItem(item)
            if t.code == selected:
                item.setSelected(True)
                widget.setCurrentItem(item)

    @staticmethod
    def _selected_code(widget: QListWidget) -> str | None:
        items = widget.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def _tick(self) -> None:
        now = self.service.clock.now().astimezone(self.config.zone)
        self.clock_label.setText(f"{now:%H:%M}")
        self._update_ticket_times()

    def _update_buttons(self) -> None:
        ready = self.online and not self.busy and self.state is not None
        holding = ready and self.state is not None and self.state.ticket is not None
        for action, b in self.buttons.items():
            if action is Action.SIGN_OUT:
                b.setEnabled(ready and self.state is not None and bool(self.state.counter.officer))
            elif action in HELD_ACTIONS:
                b.setEnabled(holding)
            elif action is Action.CALL_CHOSEN:
                b.setEnabled(ready and self._selected_code(self.waiting_list) is not None)
            elif action is Action.RETURN_SKIPPED:
                b.setEnabled(ready and self._selected_code(self.skipped_list) is not None)
            else:
                b.setEnabled(ready)
        for b in (self.pause_ok, self.transfer_ok):
            b.setEnabled(ready)

    # ------------------------------------------------------------------ actions

    def trigger(self, action: Action) -> None:
        """Do what a button or key asks (ignored while another action runs or offline)."""
        if self.signing_in:  # nobody is signed in: the page takes every key
            return
        button = self.buttons[action]
        if not button.isEnabled():
            if not self.online:
                self._say(T.DB_DOWN, "refused")
            return
        held = self.state.ticket.code if self.state and self.state.ticket else None
        dossiers = self.dossiers.value()
        if action is Action.CALL_NEXT:
            self._run(action, actions.call_next, dossiers=dossiers, held=held)
        elif action is Action.RECALL:
            self._run(action, actions.recall)
        elif action is Action.SKIP:
            self._run(action, actions.skip)
        elif action is Action.COMPLETE:
            self._run(action, actions.complete, dossiers=dossiers)
        elif action is Action.CALL_CHOSEN:
            code = self._selected_code(self.waiting_list)
            if code:
                self._run(action, actions.call_ticket, code=code, dossiers=dossiers, held=held)
        elif action is Action.RETURN_SKIPPED:
            code = self._selected_code(self.skipped_list)
            if code:
                self._run(action, actions.return_skipped, code=code)
        elif action is Action.TRANSFER:
            self._open_panel(self.transfer_panel, self.transfer_target)
        elif action is Action.SIGN_OUT:
            name = self.state.counter.officer_name if self.state else ""
            self._run(action, actions.sign_out, officer_name=name)
        elif action is Action.PAUSE:
            if self.state is not None and self.state.counter.state is CounterState.PAUSED:
                self._run(action, actions.resume)
            else:
                self._open_panel(self.pause_panel, self.pause_reason)

    def _clicked(self, action: Action) -> None:
        """A button or list click: a double click or a bounced mouse button acts once."""
        if self._repeats.accept(("click", action), self._seconds()):
            self.trigger(action)

    def _seconds(self) -> float:
        """Now in seconds, from core's clock (the one tests move)."""
        return self.service.clock.now().timestamp()

    def _open_panel(self, panel: QFrame, focus: QWidget) -> None:
        self._close_panels()
        panel.show()
        focus.setFocus()

    def _close_panels(self) -> None:
        self.pause_panel.hide()
        self.transfer_panel.hide()

    @property
    def panel_open(self) -> bool:
        return not (self.pause_panel.isHidden() and self.transfer_panel.isHidden())

    def _confirm_pause(self) -> None:
        if not self.pause_ok.isEnabled():
            return
        reason = self.pause_reason.currentText().strip()
        self._close_panels()
        self._run(Action.PAUSE, actions.pause, reason=reason)

    def _confirm_transfer(self) -> None:
        if not self.transfer_ok.isEnabled():
            return
        kind, target = self.transfer_target.currentData()
        self._close_panels()
        if kind == "field":
            self._run(Action.TRANSFER, actions.transfer, to_field=target)
        else:
            self._run(Action.TRANSFER, actions.transfer, to_counter=int(target))

    def _run(
        self,
        action: Action,
        fn: Callable[..., Outcome],
        *,
        quiet: bool = False,
        **kwargs: Any,
    ) -> None:
        self.busy = True
        self._update_buttons()

        def done(outcome: Outcome) -> None:
            self.busy = False
            self._update_buttons()
            if action in (Action.COMPLETE, Action.CALL_NEXT, Action.CALL_CHOSEN):
                self.dossiers.setValue(1)
            if not quiet:
                self._say(outcome.text, "ok")
            self.refresh()

        def failed(err: KioskError) -> None:
            self.busy = False
            if isinstance(err, DatabaseError):
                self._on_unavailable(err)
            self._say(err.text, "refused")
            self._update_buttons()
            self.refresh()

        self.ops.run(
            action.value, fn, self.service, self.number, on_done=done, on_error=failed, **kwargs
        )

    def _say(self, text: Text, tone: str) -> None:
        if self.signing_in:
            self.sign_in_page.say(text, tone)
        self.message_vi, self.message_en, self.message_tone = text.vi, text.en, tone
        self.message_label.set_lines(text.both("\n"))
        self.message_label.setProperty("tone", tone)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self._write_state()

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keypad and function keys work whichever child has the focus."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(watched, QWidget)
            and isinstance(event, QKeyEvent)
            and watched.window() is self
        ):
            return self.handle_key(event)
        return False

    def install_key_filter(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def handle_key(self, event: QKeyEvent) -> bool:
        """True when the key was one of the console's (then nothing else sees it).

        One press is one action: auto-repeat (flagged or not), a bounce or a quick second
        press of the same key is swallowed, so a bounced Enter that confirmed a pause does
        not call next as well.
        """
        key, mods = event.key(), event.modifiers()
        if self.signing_in:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self._repeats.accept(
                ("key", key), self._seconds(), repeat=event.isAutoRepeat()
            ):
                return True  # a bounced or doubled Enter signs in once
            return self.sign_in_page.handle_key(event)
        digit = keypad_digit(key, mods)
        action = None if digit is not None else keypad_action(key, mods)
        if action is None and digit is None:
            action = next((a for a, k in FUNCTION_KEYS.items() if k == key), None)
        confirm = self.panel_open and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (action is not None or confirm) and not self._repeats.accept(
            ("key", key), self._seconds(), repeat=event.isAutoRepeat()
        ):
            return True
        if self.panel_open:
            if confirm:
                if not self.pause_panel.isHidden():
                    self._confirm_pause()
                else:
                    self._confirm_transfer()
                return True
            if key == Qt.Key.Key_Escape:
                self._close_panels()
                return True
            return False
        if digit is not None:
            if not event.isAutoRepeat():
                self._type_digit(digit)
            return True
        if action is None:
            return False
        self.trigger(action)
        return True

    def _type_digit(self, digit: int) -> None:
        now = time.monotonic()
        current = self.dossiers.value()
        if now - self._last_digit <= DIGIT_WINDOW_S and current < 10:
            value = current * 10 + digit
        else:
            value = digit
        self._last_digit = now
        self.dossiers.setValue(min(99, value))

    # ------------------------------------------------------------------ what is shown

    def visible_state(self) -> dict[str, Any]:
        """What the console shows (written to `--snapshot PATH`)."""
        st = self.state
        t = st.ticket if st else None
        return {
            "counter": self.number,
            "online": self.online,
            "state": st.counter.state.value if st else None,
            "officer": st.counter.officer if st else None,
            "signing_in": self.signing_in,
            "reason": st.counter.reason if st else "",
            "ticket": (
                {
                    "code": t.code,
                    "field": t.queue_field,
                    "state": t.state.value,
                    "waited_minutes": minutes_between(t.issued_at, t.called_at),
                    "recalls": t.recalls,
                }
                if t
                else None
            ),
            "code_shown": self.code_label.text(),
            "waiting": [x.code for x in st.waiting] if st else [],
            "skipped": [x.code for x in st.skipped] if st else [],
            "fields": [{"field": f.code, "waiting": f.waiting} for f in st.fields] if st else [],
            "served_today": st.counter.served_today if st else 0,
            "avg_service_seconds": st.counter.avg_service_seconds if st else None,
            "dossiers": self.dossiers.value(),
            "message": {"vi": self.message_vi, "en": self.message_en, "tone": self.message_tone},
            "buttons": {a.value: b.isEnabled() for a, b in self.buttons.items()},
            "last_event_id": st.last_event_id if st else 0,
            "refreshes": self.refreshes,
        }

    def _write_state(self) -> None:
        if self.snapshot_path is not None:
            write_snapshot(self.snapshot_path, self.visible_state())
