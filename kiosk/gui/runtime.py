"""Start a Qt screen with asyncio inside it (qasync), on the right monitor, and stop cleanly."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

import qasync
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.gui.theme import apply_theme

log = logging.getLogger(__name__)


def application(name: str) -> QApplication:
    """The QApplication (created once), themed with the shipped Vietnamese font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(name)
    app.setOrganizationName("kiosk")
    apply_theme(app)
    return app


def place(
    window: QWidget,
    screen_index: int,
    fullscreen: bool,
    geometry: tuple[int, int, int, int] | None = None,
) -> None:
    """Show `window` on screen `screen_index` (falls back to the primary screen).

    `geometry` (x, y, width, height: see `kiosk.gui.options`) places a normal window.
    """
    screens = QGuiApplication.screens()
    if 0 <= screen_index < len(screens):
        screen = screens[screen_index]
    else:
        screen = QGuiApplication.primaryScreen()
        log.warning(
            "screen %d not found (%d screen(s) connected); using the primary screen",
            screen_index,
            len(screens),
        )
    window.setScreen(screen)
    window.setGeometry(screen.geometry())
    if geometry is not None:
        window.setGeometry(*geometry)
        window.show()
    elif fullscreen:
        window.showFullScreen()
    else:
        window.resize(min(1280, screen.size().width()), min(800, screen.size().height()))
        window.show()


def _log_unhandled(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """Errors in slots only reach sys.excepthook: log them instead of dying silently."""
    log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))


def run(build: Callable[[QApplication], QWidget], *, name: str) -> int:
    """Create the app and its loop, build the main window, and run until it quits."""
    app = application(name)
    sys.excepthook = _log_unhandled
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(
        lambda _loop, ctx: log.error("async error: %s", ctx.get("exception") or ctx["message"])
    )
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    # Let Python run its signal handlers while Qt sits in C++.
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    window = build(app)
    if os.environ.get(FIRST_FRAME_ENV):
        _report_first_frame(window)
    with loop:
        loop.run_until_complete(_until_quit(app, name))
    window.close()
    return 0


#: Benchmarks set this: the process prints "first-frame" once its window has painted, then exits.
FIRST_FRAME_ENV = "KIOSK_EXIT_AFTER_FIRST_FRAME"


class _FirstFrame(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Report after this paint has been flushed to the screen, then leave at once.
            QTimer.singleShot(0, _exit_after_first_frame)
        return False


def _exit_after_first_frame() -> None:
    print("first-frame", flush=True)
    os._exit(0)


def _report_first_frame(window: QWidget) -> None:
    watcher = _FirstFrame(window)
    window.installEventFilter(watcher)


async def _until_quit(app: QApplication, name: str) -> None:
    done = asyncio.Event()
    app.aboutToQuit.connect(done.set)
    # Said once the window is shown and the loop runs (stop signals are handled from here).
    log.info("%s running", name)
    await done.wait()
