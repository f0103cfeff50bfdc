"""A screen that starts while its database server is down waits for it instead of exiting.

At a point with several PCs, the kiosk, display and counter PCs often boot faster than the
PC running PostgreSQL. `start_screen` opens the service; if the server cannot be reached
(`DatabaseUnreachable`) it shows `WaitingScreen` in the window's place, with the bilingual
"temporarily unavailable" message for the citizen or clerk and the technical cause in small
print for the admin, retries in a worker thread every few seconds, and builds the real
screen as soon as the database answers. Other database errors (a schema newer than the
program, a wrong password, a missing SQLite folder) need a person: they stay one-line exits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from kiosk.core.errors import (
    UNAVAILABLE_EN,
    UNAVAILABLE_VI,
    DatabaseTooNew,
    DatabaseUnreachable,
    KioskError,
)
from kiosk.core.texts import Text
from kiosk.gui.operations import Operations
from kiosk.gui.theme import COLOURS, font

log = logging.getLogger(__name__)

#: Seconds between attempts to reach the database.
RETRY_S = 3.0
#: The log repeats the cause at most this often while waiting.
LOG_EVERY_S = 60.0


RETRYING = Text("Đang thử lại mỗi {s} giây", "retrying every {s} s")


class WaitingScreen(QWidget):
    """Full-window "temporarily unavailable" notice that retries opening the database."""

    ready = Signal(object)  # the opened service

    def __init__(
        self,
        open_service: Callable[[], Any],
        first_error: KioskError,
        *,
        title: str,
        retry_s: float = RETRY_S,
    ) -> None:
        super().__init__()
        self.setObjectName("waiting")
        self.setWindowTitle(title)
        self.setStyleSheet(f"#waiting {{ background: {COLOURS.background}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._open = open_service
        self._ops = Operations(self, workers=1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(round(retry_s * 1000))
        self._timer.timeout.connect(self._attempt)
        self._logged_at = 0.0
        self._last_cause = ""
        self.attempts = 1  # the failed open before this screen

        layout = QVBoxLayout(self)
        # A full-screen window: no minimum size pushed to the window system (the offscreen
        # platform warns about size hints it cannot pass on).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.addStretch(3)
        self.message_vi = self._label(UNAVAILABLE_VI, 56, bold=True, colour=COLOURS.text)
        self.message_en = self._label(UNAVAILABLE_EN, 36, colour=COLOURS.muted)
        layout.addWidget(self.message_vi)
        layout.addSpacing(16)
        layout.addWidget(self.message_en)
        layout.addStretch(2)
        self.cause = self._label("", 20, colour=COLOURS.muted)
        layout.addWidget(self.cause)
        layout.addStretch(1)
        self._show_cause(first_error)

    def _label(self, text: str, px: int, *, bold: bool = False, colour: str) -> QLabel:
        label = QLabel(text, self)
        label.setFont(font(px, bold=bold))
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(f"color: {colour};")
        return label

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._ops.shutdown()

    def _show_cause(self, err: KioskError) -> None:
        cause = err.message_en
        retry = RETRYING.both(" · ", s=f"{self._timer.interval() / 1000:g}")
        self.cause.setText(f"{cause}\n{retry}")
        now = time.monotonic()
        if cause != self._last_cause or now - self._logged_at >= LOG_EVERY_S:
            log.warning("database unreachable, waiting for it: %s", cause)
            self._logged_at, self._last_cause = now, cause

    def _attempt(self) -> None:
        self.attempts += 1
        self._ops.run("open the database", self._open, on_done=self._opened, on_error=self._failed)

    def _opened(self, service: Any) -> None:
        log.info("database reachable after %d attempts; starting", self.attempts)
        self._ops.shutdown()
        self.ready.emit(service)

    def _failed(self, err: KioskError) -> None:
        # Any cause is shown and logged when it changes (e.g. the server is up now but
        # refuses the password: a person must fix that; a starting server also refuses
        # logins for a moment, so the screen keeps trying).
        self._show_cause(err)
        self._timer.start()


#: How the caller shows a window: its monitor, full screen or not (`kiosk.gui.runtime.place`).
Placer = Callable[[QWidget], None]


#: Errors a screen waits out on its notice: the server is away, or the database was upgraded
#: by a newer kiosk (it starts once this PC is updated).
WAITABLE = (DatabaseUnreachable, DatabaseTooNew)


def open_or_unreachable(open_service: Callable[[], Any]) -> Any:
    """The opened service, or the error to wait on (`WAITABLE`). Called before any window:
    every other error (password, config, another program's database) ends the command in one
    line.
    """
    try:
        return open_service()
    except WAITABLE as err:
        return err


def start_screen(
    placer: Placer,
    first: Any,
    open_service: Callable[[], Any],
    build: Callable[[Any], QWidget],
    *,
    title: str,
    retry_s: float = RETRY_S,
) -> QWidget:
    """`build(first)` when `first` is the opened service. When it is one to wait on (`WAITABLE`),
    a WaitingScreen placed with `placer` retries `open_service` and calls `build` once the
    database answers.

    `build` shows the window it returns. The waiting screen is hidden (not deleted: the
    caller may still hold it) after the real window is up.
    """
    if not isinstance(first, WAITABLE):
        return build(first)
    waiting = WaitingScreen(open_service, first, title=title, retry_s=retry_s)
    placer(waiting)

    def hand_over(service: Any) -> None:
        waiting.stop()
        window = build(service)
        window.activateWindow()
        waiting.hide()

    waiting.ready.connect(hand_over)
    waiting.start()
    return waiting


def run_counter_screen(
    ctx: Any,
    first: Any,
    make: Callable[[Any, Any], Any],
    *,
    screen: int,
    fullscreen: bool,
    geometry: Any,
    name: str,
) -> int:
    """Run a screen of one counter (`kiosk counter N`, `kiosk rate N`): `make(app, service)`
    builds it (a widget with `start`, `stop` and `ops`), placed on `screen`, started on the
    event loop and stopped with its background work on quit; a database that is away when
    the command starts is waited for (`start_screen`)."""
    from kiosk.gui.runtime import place, run

    def build(app: Any) -> QWidget:
        def window(service: Any) -> QWidget:
            widget = make(app, service)
            place(widget, screen, fullscreen, geometry)
            QTimer.singleShot(0, widget.start)

            def stop() -> None:
                widget.stop()
                widget.ops.shutdown()

            app.aboutToQuit.connect(stop)
            return widget  # type: ignore[no-any-return]

        return start_screen(
            lambda w: place(w, screen, fullscreen, geometry),
            first,
            lambda: ctx.service,
            window,
            title=name,
        )

    return run(build, name=name)


def run_counter_command(ctx: Any, a: Any, make: Callable[[Any, Any, Any], Any], name: str) -> int:
    """A counter screen's command (`kiosk counter N`, `kiosk rate N`) from its parsed
    arguments (`add_counter_screen_options`): checks the counter number, the `--snapshot`
    PATH and `--geometry` before any window opens (one line each), waits for a database that
    is away, then runs `make(app, service, snapshot_path)` as `name-N`."""
    from kiosk.core.reader import check_counter
    from kiosk.gui.options import output_file, parse_geometry

    geometry = parse_geometry(a.geometry) if a.geometry else None
    snapshot = output_file(a.snapshot)
    check_counter(ctx.config, a.number)  # a wrong number is a one-line error, not a window
    first = open_or_unreachable(lambda: ctx.service)  # an unreachable server is waited for
    return run_counter_screen(
        ctx,
        first,
        lambda app, service: make(app, service, snapshot),
        screen=a.screen or 0,
        fullscreen=not a.windowed and geometry is None,
        geometry=geometry,
        name=f"{name}-{a.number}",
    )
