"""`kiosk run`: the citizen kiosk, full screen and locked down (`--windowed` during setup)."""

from __future__ import annotations

import argparse
import signal
from typing import TYPE_CHECKING, Any

from kiosk.gui.options import add_window_options, parse_geometry

if TYPE_CHECKING:  # the CLI imports this module for every command: keep Qt out of it
    from kiosk.cli import Context


def cmd_run(ctx: Context, a: argparse.Namespace) -> int:
    geometry = parse_geometry(a.geometry) if a.geometry else None
    config = ctx.config
    from kiosk.gui.waiting import open_or_unreachable

    # Opens (and upgrades) the database first: errors are one line, except a server that
    # cannot be reached yet, which the kiosk waits for on its "unavailable" screen.
    first = open_or_unreachable(lambda: ctx.service)
    screen = config.kiosk.screen if a.screen is None else a.screen
    # Lockdown (frameless, Esc and close refused) only when full screen: `--windowed` is for
    # setting the kiosk up, where the window must be closable.
    fullscreen = config.kiosk.fullscreen and not a.windowed and geometry is None

    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.app.window import KioskWindow
    from kiosk.core.catalogue import catalogue_in_use
    from kiosk.gui.runtime import place, run
    from kiosk.gui.waiting import start_screen

    # A catalogue with problems stops the start with its list, as `kiosk catalogue check`.
    catalogue = catalogue_in_use(config, ctx.config_path)

    def build(app: QApplication) -> QWidget:
        def kiosk_window(service: Any) -> QWidget:
            window = KioskWindow(service, config, lockdown=fullscreen, catalogue=catalogue)
            window.quit_requested.connect(app.quit)
            app.aboutToQuit.connect(window.shutdown)
            # Qt 6 cancels app.quit() when a window refuses to close, as the locked-down
            # kiosk does: a stop signal (Ctrl+C, systemd, shutdown) quits through the window.
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: window.request_quit())
            place(window, screen, fullscreen, geometry)
            window.start()
            return window

        return start_screen(
            lambda w: place(w, screen, fullscreen, geometry),
            first,
            lambda: ctx.service,
            kiosk_window,
            title="kiosk",
        )

    return run(build, name="kiosk")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk run` to the CLI."""
    help_text = "the citizen kiosk: touchscreen ticket issuing and printing"
    p = sub.add_parser("run", parents=[common], help=help_text, description=help_text)
    add_window_options(p)
    p.set_defaults(handler=cmd_run)
