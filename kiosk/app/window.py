"""The kiosk window: screens, taps, printing, the change feed, idle reset and lockdown.

Every database and printer call goes through `Operations` (worker threads); this module only
decides which screen shows what. A tap issues at most one ticket: taps are ignored while an
issue is running and within the tap guard time of the previous accepted tap, and a failed issue
is never retried by itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.app import jobs
from kiosk.app.admin import AdminPanel, PinGuard, PinPad
from kiosk.app.home import Footer, Header, HomeScreen
from kiosk.app.layout import touch_target_px
from kiosk.app.notice import RefusalScreen, UnavailableScreen
from kiosk.app.procedures import ProcedureScreen, ProceduresScreen
from kiosk.app.result import ResultScreen
from kiosk.core.catalogue import Catalogue, Procedure
from kiosk.core.config import Config, KioskConfig
from kiosk.core.errors import DailyCapReached, DatabaseError, FieldClosed, KioskError
from kiosk.core.lockout import Lockout
from kiosk.core.model import IssuedTicket, Snapshot
from kiosk.core.queue import QueueService
from kiosk.core.texts import Language
from kiosk.gui.operations import Operations
from kiosk.gui.theme import COLOURS
from kiosk.gui.watcher import FeedWatcher
from kiosk.printing.job import PrintOutcome

log = logging.getLogger(__name__)

HOME, RESULT, REFUSAL, UNAVAILABLE, PIN, ADMIN, PROCEDURES, PROCEDURE = (
    "home",
    "result",
    "refusal",
    "unavailable",
    "pin",
    "admin",
    "procedures",
    "procedure",
)
_ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)
#: Stopped feed watchers whose thread may still be finishing a poll: kept alive until it ends,
#: so the thread never emits from a deleted QObject.
_retired_watchers: list[FeedWatcher] = []


@dataclass(frozen=True)
class Timings:
    """How long things take, in milliseconds (from config; tests pass shorter ones)."""

    result_ms: int = 10_000
    idle_ms: int = 45_000
    tap_guard_ms: int = 1_500
    admin_hold_ms: int = 3_000
    db_retry_ms: int = 2_000
    feed_heartbeat_s: float = 5.0

    @classmethod
    def from_config(cls, kiosk: KioskConfig) -> Timings:
        return cls(
            result_ms=int(kiosk.result_seconds * 1000),
            idle_ms=int(kiosk.idle_seconds * 1000),
            tap_guard_ms=kiosk.tap_guard_ms,
        )


class CornerHotspot(QWidget):
    """An invisible top-left square: holding it for `hold_ms` asks for the admin PIN."""

    held = Signal()

    def __init__(self, size: int, hold_ms: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("admin-corner")
        self.setFixedSize(size, size)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
        event.accept()


class KioskWindow(QWidget):
    """The citizen kiosk. Call `start()` once shown; `shutdown()` before throwing it away."""

    screen_changed = Signal(str)
    ticket_shown = Signal(object)  # IssuedTicket, once the result screen is current
    print_finished = Signal(object)  # PrintOutcome of the ticket on screen
    quit_requested = Signal()

    def __init__(
        self,
        service: QueueService,
        config: Config,
        *,
        timings: Timings | None = None,
        lockdown: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        catalogue: Catalogue | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.config = config
        #: The procedures catalogue: fields with procedures get a Documents control.
        self.catalogue = catalogue
        self.timings = timings or Timings.from_config(config.kiosk)
        self.lockdown = lockdown
        self._monotonic = monotonic
        self.language = Language.VI
        self.screen_name = HOME
        self.unavailable = False
        self._issuing = False
        self._last_tap = float("-inf")
        self._shown_at = float("-inf")
        self._screen_at = float("-inf")
        self._refreshing = False
        self._refresh_again = False
        self._allow_close = False
        self._stopped = False

        self.setWindowTitle(config.site.name)
        self.setObjectName("kiosk")
        self.setStyleSheet(f"#kiosk {{ background: {COLOURS.background}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        if lockdown:
            self.setWindowFlags(
                Qt.WindowType.Window
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )
            self.setCursor(Qt.CursorShape.BlankCursor)
        screen = QGuiApplication.primaryScreen()
        self.target_px = touch_target_px(screen.logicalDotsPerInch() if screen else 96.0)

        self.ops = Operations(self)
        # The printer gets its own workers: a hung printer never delays the next ticket.
        self.print_ops = Operations(self)

        self.header = Header(config, self.target_px)
        self.footer = Footer(config)
        self.home = HomeScreen(config, self.target_px, catalogue=catalogue)
        self.procedures = ProceduresScreen(self.target_px)
        self.procedure = ProcedureScreen(self.target_px)
        self.result = ResultScreen(config, self.target_px)
        self.refusal = RefusalScreen(self.target_px)
        self.unavailable_screen = UnavailableScreen()
        lockout = Lockout(service.store, service.site, service.business_day, service.clock)
        self.guard = PinGuard(config.kiosk.admin_pin_hash, lockout, monotonic=monotonic)
        self.pin_pad = PinPad(self.guard, self.ops, self.target_px)
        self.admin = AdminPanel(
            service, config, self.ops, self.print_ops, self.target_px, catalogue=catalogue
        )
        self.stack = QStackedWidget()
        self._screens: dict[str, QWidget] = {
            HOME: self.home,
            RESULT: self.result,
            REFUSAL: self.refusal,
            UNAVAILABLE: self.unavailable_screen,
            PIN: self.pin_pad,
            ADMIN: self.admin,
            PROCEDURES: self.procedures,
            PROCEDURE: self.procedure,
        }
        for widget in self._screens.values():
            self.stack.addWidget(widget)
        box = QVBoxLayout(self)
        # The screen decides the window's size; the layout never asks the window system for
        # a minimum (frameless full-screen windows and offscreen tests do not take hints).
        box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.stack, 1)
        box.addWidget(self.footer)
        self.corner = CornerHotspot(int(self.target_px * 1.3), self.timings.admin_hold_ms, self)
        self.corner.raise_()

        self.header.language_clicked.connect(self.toggle_language)
        self.home.field_chosen.connect(self.tap_field)
        self.home.documents_chosen.connect(self.open_procedures)
        self.procedures.chosen.connect(self.open_procedure)
        self.procedures.back.connect(self._procedures_back)
        self.procedure.back.connect(self._procedure_back)
        self.procedure.take.connect(self.tap_procedure)
        self.result.dismissed.connect(self._dismiss)
        self.refusal.dismissed.connect(self._dismiss)
        self.corner.held.connect(self.open_pin_pad)
        self.pin_pad.accepted.connect(self._open_admin)
        self.pin_pad.closed.connect(self._leave_admin)
        self.admin.back.connect(self._leave_admin)
        self.admin.quit_requested.connect(self.request_quit)
        self.admin.fields_changed.connect(self.refresh)

        self._back_timer = self._timer(self.timings.result_ms, self._back_timeout, single=True)
        self._idle_timer = self._timer(self.timings.idle_ms, self._idle_timeout, single=True)
        self._retry_timer = self._timer(self.timings.db_retry_ms, self.refresh)
        self._clock_timer = self._timer(1000, self._tick)
        self._countdown_timer = self._timer(1000, self._count_down)

        self.watcher = FeedWatcher(service, heartbeat=self.timings.feed_heartbeat_s)
        self.watcher.changed.connect(self._feed_changed)
        self.watcher.unavailable.connect(self._feed_unavailable)
        self.watcher.available.connect(self._feed_available)
        self._apply_language()
        self._tick()

    def _timer(self, ms: int, slot: Callable[[], None], *, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    # ---------------------------------------------------------------- life cycle

    def start(self) -> None:
        """Begin following the database and ticking the clock."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._clock_timer.start()
        self._idle_timer.start()
        self.watcher.start()
        self.refresh()

    @property
    def stopped(self) -> bool:
        """True once `shutdown` ran (timers, feed and workers stopped)."""
        return self._stopped

    def shutdown(self) -> None:
        """Stop timers, the feed and the workers; the window may then close."""
        if self._stopped:
            return
        self._stopped = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for timer in self.findChildren(QTimer):
            timer.stop()
        self.pin_pad.stop()
        self.watcher.stop()
        _retired_watchers[:] = [w for w in _retired_watchers if w.running]
        _retired_watchers.append(self.watcher)
        self.ops.shutdown()
        self.print_ops.shutdown()
        self._allow_close = True

    @Slot()
    def request_quit(self) -> None:
        """The admin's quit: the only way this window closes in lockdown."""
        log.info("kiosk quit from the admin panel")
        self.shutdown()
        self.quit_requested.emit()
        self.close()

    # ---------------------------------------------------------------- lockdown

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close or not self.lockdown:
            self.shutdown()
            event.accept()
        else:
            log.info("close refused (kiosk lockdown; quit from the admin panel)")
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()  # Esc, Alt+F4 and friends do nothing on a citizen kiosk

    def event(self, event: QEvent) -> bool:
        if self.lockdown and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            self.lockdown
            and event.type() == QEvent.Type.WindowStateChange
            and self.windowState() & Qt.WindowState.WindowMinimized
        ):
            QTimer.singleShot(0, self.showFullScreen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._idle_timer.start()
        return False

    # ---------------------------------------------------------------- screens

    def _show(self, name: str) -> None:
        if name != self.screen_name:
            if self.screen_name == PIN:
                self.pin_pad.stop()
            self.screen_name = name
            self._screen_at = self._monotonic()
            self.stack.setCurrentWidget(self._screens[name])
            self.screen_changed.emit(name)
        self.corner.raise_()

    def go_home(self, *, reset: bool = False) -> None:
        """Back to the field buttons (`reset`: Vietnamese again, priority off)."""
        self._back_timer.stop()
        self._countdown_timer.stop()
        self.result.set_countdown(0)
        self.home.set_priority_mode(False)
        if reset:
            self.home.show_page(0)
        if reset and self.language is not Language.VI:
            self.language = Language.VI
            self._apply_language()
        if self.unavailable:
            self._show(UNAVAILABLE)
        else:
            self._show(HOME)

    def _dismiss(self) -> None:
        """A tap on the result or refusal screen; not the second half of a double tap."""
        if self._monotonic() - self._shown_at < self.timings.tap_guard_ms / 1000:
            return
        self.go_home()

    def _back_timeout(self) -> None:
        if self.screen_name in (RESULT, REFUSAL):
            self.go_home()

    def _idle_timeout(self) -> None:
        self._idle_timer.start()
        if self.screen_name == UNAVAILABLE:
            return
        if self.screen_name != HOME or self.language is not Language.VI or self.home.priority_mode:
            self.go_home(reset=True)

    def _start_back_timer(self) -> None:
        self._shown_at = self._monotonic()
        self._back_timer.start()
        self.result.set_countdown(round(self.timings.result_ms / 1000))
        self._countdown_timer.start()

    def _count_down(self) -> None:
        left = round(self._back_timer.remainingTime() / 1000)
        self.result.set_countdown(max(0, left))

    @Slot()
    def toggle_language(self) -> None:
        self.language = Language.EN if self.language is Language.VI else Language.VI
        self._apply_language()

    def _apply_language(self) -> None:
        lang = self.language
        self.header.set_language(lang)
        self.footer.set_language(lang)
        self.home.set_language(lang)
        self.result.set_language(lang)
        self.refusal.set_language(lang)
        self.procedures.set_language(lang)
        self.procedure.set_language(lang)
        self._tick()

    def _tick(self) -> None:
        self.header.set_time(self.service.clock.now().astimezone(self.config.zone), self.language)

    # ---------------------------------------------------------------- issuing

    @Slot(str, bool)
    def tap_field(self, code: str, priority: bool) -> None:
        """A field button was tapped: issue one ticket, unless this is a repeated tap."""
        self._issue(code, priority, None, HOME)

    @Slot(object)
    def tap_procedure(self, procedure: Procedure) -> None:
        """ "Lấy số cho thủ tục này": one ticket for the procedure (same guards as a field)."""
        if self._just_shown():
            return
        self._issue(procedure.field, self.home.priority_mode, procedure, PROCEDURE)

    def _issue(self, code: str, priority: bool, procedure: Procedure | None, screen: str) -> None:
        now = self._monotonic()
        if self._issuing or self.unavailable or self.screen_name != screen:
            log.debug("tap on %s ignored: busy or not on the %s screen", code, screen)
            return
        if now - self._last_tap < self.timings.tap_guard_ms / 1000:
            log.debug("tap on %s ignored: within the tap guard", code)
            return
        self._last_tap = now
        self._issuing = True
        self.ops.run(
            "issue",
            jobs.issue_ticket,
            self.service,
            code,
            priority=priority,
            procedure=procedure,
            on_done=lambda issued: self._issued(issued, procedure),
            on_error=self._issue_failed,
        )

    def _just_shown(self) -> bool:
        """A tap within the tap guard of a documents screen appearing: the second half of
        the tap that opened it (it never chooses or takes anything there)."""
        return self._monotonic() - self._screen_at < self.timings.tap_guard_ms / 1000

    # ---------------------------------------------------------------- documents path

    @Slot(str)
    def open_procedures(self, code: str) -> None:
        """A field's Documents control: list its procedures (nothing is issued)."""
        field = self.config.field(code)
        listed = self.catalogue.of_field(code) if self.catalogue is not None else []
        if field is None or not listed or self.unavailable or self.screen_name != HOME:
            return
        self.procedures.show_field(field, listed)
        self._show(PROCEDURES)

    @Slot(object)
    def open_procedure(self, procedure: Procedure) -> None:
        if self.screen_name != PROCEDURES or self._just_shown():
            return
        self.procedure.show_procedure(procedure)
        self._show(PROCEDURE)

    def _procedures_back(self) -> None:
        if self.screen_name == PROCEDURES and not self._just_shown():
            self.go_home()

    def _procedure_back(self) -> None:
        if self.screen_name == PROCEDURE and not self._just_shown():
            self._show(PROCEDURES)

    def _issued(self, issued: IssuedTicket, procedure: Procedure | None = None) -> None:
        self._issuing = False
        self.home.set_priority_mode(False)
        self.result.show_ticket(issued, procedure)
        self._show(RESULT)
        self._start_back_timer()
        self.ticket_shown.emit(issued)
        ticket_id = issued.ticket.id
        self.ops.run(
            "render ticket",
            jobs.render_issued,
            self.config,
            issued,
            procedure,
            on_done=lambda image: self._rendered(ticket_id, image),
            on_error=lambda err: self._render_failed(ticket_id, err),
        )

    def _rendered(self, ticket_id: int, image: Image.Image) -> None:
        if self._on_screen(ticket_id):
            self.result.set_preview(image)
        self.print_ops.run(
            "print ticket",
            jobs.print_and_log,
            self.service,
            self.config,
            ticket_id,
            image,
            on_done=lambda outcome: self._printed(ticket_id, outcome),
            on_error=lambda err: self._printed(
                ticket_id, PrintOutcome(False, err.message_vi, err.message_en, 0)
            ),
        )

    def _render_failed(self, ticket_id: int, err: KioskError) -> None:
        log.error("ticket %d could not be rendered: %s", ticket_id, err.message_en)
        self.ops.run(
            "log print failure",
            self.service.record_print,
            ticket_id,
            ok=False,
            message=err.message_en,
        )
        self._printed(ticket_id, PrintOutcome(False, err.message_vi, err.message_en, 0))

    def _printed(self, ticket_id: int, outcome: PrintOutcome) -> None:
        if not outcome.ok:
            log.warning("ticket %d not printed: %s", ticket_id, outcome.message_en)
        if self._on_screen(ticket_id):
            self.result.set_outcome(outcome)
            if not outcome.ok and self.screen_name == RESULT:
                self._start_back_timer()  # the full time again to note the number
            self.print_finished.emit(outcome)

    def _on_screen(self, ticket_id: int) -> bool:
        return self.result.issued is not None and self.result.issued.ticket.id == ticket_id

    def _issue_failed(self, err: KioskError) -> None:
        self._issuing = False
        if isinstance(err, DatabaseError):
            self._go_unavailable(err)
            return
        self.refusal.show_error(err, citizen_words=isinstance(err, FieldClosed | DailyCapReached))
        self.home.set_priority_mode(False)
        self._show(REFUSAL)
        self._start_back_timer()
        self.refresh()

    # ---------------------------------------------------------------- the database

    @Slot()
    def refresh(self) -> None:
        """Read the counts and estimates again (one snapshot in flight at a time)."""
        if self._stopped:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self.ops.run(
            "snapshot",
            self.service.snapshot,
            0,
            on_done=self._snapshot_read,
            on_error=self._snapshot_failed,
        )

    def _snapshot_read(self, snapshot: Snapshot) -> None:
        self._refreshing = False
        self.home.show_fields(snapshot.fields)
        if self.unavailable:
            log.info("database available again")
            self.unavailable = False
            self._retry_timer.stop()
            if self.screen_name == UNAVAILABLE:
                self.go_home(reset=True)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _snapshot_failed(self, err: KioskError) -> None:
        self._refreshing = False
        self._refresh_again = False
        if isinstance(err, DatabaseError):
            self._go_unavailable(err)

    def _go_unavailable(self, err: KioskError) -> None:
        if not self.unavailable:
            log.warning("database unavailable: %s", err.message_en)
        self.unavailable = True
        if not self._retry_timer.isActive() and not self._stopped:
            self._retry_timer.start()
        if self.screen_name not in (PIN, ADMIN):
            self._back_timer.stop()
            self._show(UNAVAILABLE)

    @Slot(object)
    def _feed_changed(self, _events: object) -> None:
        self.refresh()

    @Slot(object)
    def _feed_unavailable(self, err: object) -> None:
        if isinstance(err, KioskError):
            self._go_unavailable(err)

    @Slot()
    def _feed_available(self) -> None:
        self.refresh()

    # ---------------------------------------------------------------- admin

    @Slot()
    def open_pin_pad(self) -> None:
        self._back_timer.stop()
        self.pin_pad.reset()
        self._show(PIN)

    @Slot()
    def _open_admin(self) -> None:
        if not self.guard.configured:  # never without a PIN
            return
        self.admin.open()
        self._show(ADMIN)

    @Slot()
    def _leave_admin(self) -> None:
        self.go_home(reset=True)
