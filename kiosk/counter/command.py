"""`kiosk counter N`: the console of counter N (a clerk's keyboard, mouse or numeric keypad)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.gui.options import add_window_options, output_file, parse_geometry


def cmd_counter(ctx: Any, a: argparse.Namespace) -> int:
    geometry = parse_geometry(a.geometry) if a.geometry else None
    snapshot = output_file(a.snapshot)
    from kiosk.core.catalogue import catalogue_in_use
    from kiosk.counter.state import check_counter
    from kiosk.gui.waiting import open_or_unreachable

    check_counter(ctx.config, a.number)  # a wrong number is a one-line error, not a window
    catalogue = catalogue_in_use(ctx.config, ctx.config_path)  # one with problems: its list
    first = open_or_unreachable(lambda: ctx.service)  # an unreachable server is waited for

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.counter.window import CounterConsole
    from kiosk.gui.runtime import place, run
    from kiosk.gui.waiting import start_screen

    fullscreen = not a.windowed and geometry is None

    def build(app: QApplication) -> QWidget:
        def console_window(service: Any) -> QWidget:
            console = CounterConsole(service, a.number, snapshot_path=snapshot, catalogue=catalogue)
            console.install_key_filter()
            place(console, a.screen or 0, fullscreen, geometry)
            QTimer.singleShot(0, console.start)

            def stop() -> None:
                console.stop()
                console.ops.shutdown()

            app.aboutToQuit.connect(stop)
            return console

        return start_screen(
            lambda w: place(w, a.screen or 0, fullscreen, geometry),
            first,
            lambda: ctx.service,
            console_window,
            title=f"kiosk-counter-{a.number}",
        )

    return run(build, name=f"kiosk-counter-{a.number}")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk counter N` to the CLI."""
    help_text = "the console of counter N: call next, recall, skip, complete, transfer, pause"
    p = sub.add_parser("counter", parents=[common], help=help_text, description=help_text)
    p.add_argument("number", type=int, metavar="N", help="counter number")
    add_window_options(p)
    p.add_argument(
        "--snapshot", metavar="PATH", help="write what the console shows as JSON after changes"
    )
    p.set_defaults(handler=cmd_counter)
